import VarianceProtos
import Testing
@testable import VarianceMedia

/// A small deterministic generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct MediaFuzzerTests {
    /// Valid inputs of every kind, to be bit-flipped.
    static func seeds() -> [[UInt8]] {
        var vp8 = VP8Packetizer(ssrc: 3, initialSequenceNumber: 100)
        let frame = [UInt8](repeating: 0x10, count: 3000)
        let packets = vp8.packetize([0x00, 0x00, 0x00, 0x9D, 0x01, 0x2A] + frame, timestamp: 9000)
        var framed: [UInt8] = []
        for packet in packets {
            let bytes = packet.serialized()
            framed += [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
        }
        var ivf = IVFFile(width: 64, height: 48, timeBaseRate: 30)
        ivf.frames = [EncodedVideoFrame(data: [0, 1, 2, 3], isKeyframe: true, timestamp: 0)]
        var signal = Variance_CallSignal.offer(
            callID: [1, 2, 3],
            CallSessionDescription(
                dtlsFingerprintSHA256: [UInt8](repeating: 7, count: 32), iceUsernameFragment: "abcd",
                icePassword: "0123456789012345678901", sdp: "v=0", video: true))
        signal.callID = .init([9, 9])
        return [
            RTPPacket(payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: [4], headerExtension: .init(profile: 0xBEDE, data: [1, 2, 3, 4]), payload: [5, 6], paddingLength: 2).serialized(),
            RTCPCompoundPacket([
                .senderReport(RTCPSenderReport(ssrc: 1, ntpTimestamp: .init(rawValue: 5), rtpTimestamp: 1, packetCount: 1, octetCount: 1, reportBlocks: [RTCPReportBlock(ssrc: 2, fractionLost: 1, cumulativeLost: 1, extendedHighestSequenceNumber: 1, jitter: 1, lastSenderReport: 1, delaySinceLastSenderReport: 1)])),
                .sourceDescription(RTCPSourceDescription(ssrc: 1, cname: "x")),
                .goodbye(RTCPGoodbye(ssrcs: [1], reason: "bye")),
                .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2)),
            ]).serialized(),
            framed,
            WAVFormat(channels: 1, sampleRate: 48_000).header(dataSize: 4) + [1, 2, 3, 4],
            ivf.serialized(),
            Array("YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg\n".utf8),
            (try? signal.serializedBytes()) ?? [],
        ]
    }

    @Test func randomBytesNeverTrap() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the time, make it look like RTP or RTCP so the parsers go deeper.
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            MediaFuzzer.fuzz(bytes)
        }
    }

    @Test func bitFlippedValidInputNeverTraps() {
        var generator = SplitMix64(seed: 2)
        for seed in Self.seeds() where !seed.isEmpty {
            MediaFuzzer.fuzz(seed)
            for _ in 0..<400 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                }
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
                }
                MediaFuzzer.fuzz(bytes)
            }
        }
    }

    @Test func everyTruncationOfValidInputNeverTraps() {
        for seed in Self.seeds() {
            for length in 0...seed.count { MediaFuzzer.fuzz(Array(seed.prefix(length))) }
        }
    }
}
