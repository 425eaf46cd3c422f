import Foundation
import Testing
@testable import VarianceCodecs
@testable import VarianceMedia

/// The pieces wired together the way a call's send and receive paths will be, over a
/// simulated network that loses, delays and reorders packets. Time is simulated.
@Suite struct MediaPipelineTests {
    @Test func audioSurvivesALossyReorderingNetwork() throws {
        try withTemporaryDirectory { directory in
            var generator = SplitMix64(seed: 11)
            let source = try MediaSourceSpec(parsing: "tone:440").makeAudioSource(channels: 1)
            let encoder = try OpusEncoder(expectedPacketLossPercent: 15)
            var packetizer = OpusPacketizer(ssrc: 0xA0D10, initialSequenceNumber: 65_000, initialTimestamp: 4_000_000_000)

            // Send 3 s of audio; drop 8% of packets; delay the rest by 0...50 ms.
            var arrivals: [(time: Duration, bytes: [UInt8])] = []
            var sent = 0
            for index in 0..<150 {
                let frame = try #require(try source.read(frameCount: OpusEncoder.samplesPerFrame))
                let packet = packetizer.packetize(try encoder.encode(frame.samples))
                sent += 1
                if Int.random(in: 0..<100, using: &generator) < 8 { continue }
                let delay = Duration.milliseconds(Int.random(in: 0...50, using: &generator))
                arrivals.append((.milliseconds(index * 20) + delay, packet.serialized()))
            }
            arrivals.sort { $0.time < $1.time }

            let decoder = try OpusDecoder()
            var jitter = AudioJitterBuffer(configuration: .init(playoutDelay: .milliseconds(80)))
            var statistics = ReceptionStatistics(ssrc: 0xA0D10, clockRate: Int(OpusPacketizer.clockRate))
            let sink = try MediaSinkSpec(parsing: "file:\(directory)/received.wav").makeAudioSink(channels: 1)
            var next = 0
            var now = Duration.zero
            var recovered = 0
            var concealed = 0
            while now < .milliseconds(3_200) {
                while next < arrivals.count, arrivals[next].time <= now {
                    let packet = try RTPPacket(parsing: arrivals[next].bytes)
                    statistics.record(packet, arrival: arrivals[next].time)
                    _ = jitter.insert(packet, now: arrivals[next].time)
                    next += 1
                }
                let pcm: [Int16]
                switch jitter.nextFrame(now: now) {
                case .packet(let packet):
                    pcm = try decoder.decode(try #require(OpusDepacketizer.opusPacket(from: packet)))
                case .missing(_, let following?):
                    recovered += 1
                    pcm = try decoder.decodeFEC(from: following.payload)
                case .missing(_, nil), .underrun:
                    concealed += 1
                    pcm = try decoder.concealLoss()
                case .buffering:
                    pcm = []
                }
                if !pcm.isEmpty { try sink.write(AudioFrame(samples: pcm, channels: 1)) }
                now += .milliseconds(20)
            }
            try sink.close()

            let report = statistics.makeReportBlock(now: now)
            // Losses after the last packet received cannot be counted yet.
            #expect(report.cumulativeLost > 0 && report.cumulativeLost <= Int32(sent - arrivals.count))
            #expect(report.fractionLost > 0 && report.fractionLost < 64)
            #expect(jitter.statistics.missing > 0)
            #expect(recovered + concealed > 0)

            let played = try WAVFileSource(path: "\(directory)/received.wav")
            let samples = try #require(played.read(frameCount: played.totalFrameCount)).samples
            let steady = Array(samples.dropFirst(4_800))
            let frequency = try #require(AudioAnalysis.dominantFrequency(of: steady, sampleRate: 48_000))
            #expect(abs(frequency - 440) < 2, "dominant frequency \(frequency)")
            #expect(AudioAnalysis.nonSilentFraction(of: steady, sampleRate: 48_000) > 0.9)

            var controller = LossBasedBitrateController(initial: 32_000, minimum: 8_000, maximum: 64_000)
            let bitrate = controller.update(report)
            #expect((8_000...64_000).contains(bitrate))
            try encoder.setBitrate(bitrate)
        }
    }

    @Test func videoRecoversFromLossWithPictureLossIndication() throws {
        try withTemporaryDirectory { directory in
            let width = 320
            let height = 240
            let source = try MediaSourceSpec(parsing: "pattern").makeVideoSource(width: width, height: height)
            let encoder = try VP8Encoder(configuration: .init(width: width, height: height, bitrate: 600_000))
            var packetizer = VP8Packetizer(ssrc: 0x71DE0, initialSequenceNumber: 65_530)
            var depacketizer = VP8Depacketizer()
            let decoder = try VP8Decoder()
            let recording = try MediaSinkSpec(parsing: "file:\(directory)/received.ivf")
                .makeEncodedVideoSink(width: width, height: height)
            let pictures = try MediaSinkSpec(parsing: "file:\(directory)/received.y4m").makeVideoSink(width: width, height: height)

            var packetIndex = 0
            var decodedIndices: [Int64] = []
            var keyframesSent: [Int] = []
            var pliCount = 0
            var pendingPLI: [UInt8]?
            for index in 0..<90 {
                let now = Duration.milliseconds(index * 33)
                // The sender reads RTCP that arrived since the last frame.
                if let datagram = pendingPLI {
                    for case .pictureLossIndication(let pli) in try RTCPCompoundPacket(parsing: datagram).packets
                    where pli.mediaSSRC == packetizer.ssrc {
                        encoder.requestKeyframe()
                    }
                    pendingPLI = nil
                }
                let frame = try #require(try source.nextFrame())
                for compressed in try encoder.encode(frame) {
                    if compressed.isKeyframe { keyframesSent.append(index) }
                    let packets = packetizer.packetize(compressed.data, timestamp: UInt32(index * 3_000))
                    // Reverse each frame's packets on the way, and lose one packet of frame 30.
                    for packet in packets.reversed() {
                        packetIndex += 1
                        if index == 30 && packet.marker { continue }
                        for event in depacketizer.insert(try RTPPacket(parsing: packet.serialized()), now: now) {
                            switch event {
                            case .frame(let received):
                                try recording.write(received)
                                if let picture = try decoder.decode(received.data) {
                                    decodedIndices.append(received.timestamp / 3_000)
                                    try pictures.write(picture)
                                }
                            case .keyframeNeeded:
                                pliCount += 1
                                pendingPLI = RTCPCompoundPacket([
                                    .receiverReport(RTCPReceiverReport(ssrc: 0xBEEF)),
                                    .sourceDescription(RTCPSourceDescription(ssrc: 0xBEEF, cname: "bob")),
                                    .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 0xBEEF, mediaSSRC: 0x71DE0)),
                                ]).serialized()
                            }
                        }
                    }
                }
                _ = depacketizer.poll(now: now)
            }
            try recording.close()
            try pictures.close()

            // Frame 30 is lost; the frames after it wait for the key frame the PLI asked for.
            #expect(pliCount >= 1)
            #expect(keyframesSent.count >= 2 && keyframesSent[0] == 0)
            let recoveryKeyframe = try #require(keyframesSent.dropFirst().first)
            #expect(recoveryKeyframe > 30 && recoveryKeyframe < 45)
            #expect(!decodedIndices.contains(30))
            #expect(decodedIndices.contains(Int64(recoveryKeyframe)) && decodedIndices.contains(89))
            // Everything else is decoded, in order.
            #expect(decodedIndices == decodedIndices.sorted())
            #expect(decodedIndices.count >= 90 - (recoveryKeyframe - 30) - 1)

            let recorded = try IVFFile.read(path: "\(directory)/received.ivf")
            #expect(recorded.frames.count == decodedIndices.count)
            let replay = try Y4MFileSource(path: "\(directory)/received.y4m")
            var replayed = 0
            while try replay.nextFrame() != nil { replayed += 1 }
            #expect(replayed == decodedIndices.count)
        }
    }
}
