import Testing
@testable import VarianceMedia

@Suite struct PayloadTests {
    @Test func opusPacketizerAdvancesByFrames() {
        var packetizer = OpusPacketizer(ssrc: 9, initialSequenceNumber: 0xFFFF, initialTimestamp: 0xFFFF_FF00)
        let first = packetizer.packetize([1, 2, 3])
        let second = packetizer.packetize([4])
        #expect(first.payloadType == 111)
        #expect(first.sequenceNumber == 0xFFFF && second.sequenceNumber == 0)
        #expect(second.timestamp == 0xFFFF_FF00 &+ 960)
        #expect(OpusDepacketizer.opusPacket(from: second) == [4])
        #expect(OpusDepacketizer.opusPacket(from: RTPPacket(payloadType: 111, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: [])) == nil)
    }

    @Test func descriptorRoundTrips() throws {
        let descriptors = [
            VP8PayloadDescriptor(isPartitionStart: true),
            VP8PayloadDescriptor(isNonReference: true, isPartitionStart: false, partitionIndex: 3, pictureID: 0x1234),
            VP8PayloadDescriptor(isPartitionStart: true, pictureID: 5, temporalLayerZeroIndex: 7, temporalLayerID: 2, layerSync: true, keyIndex: 9),
        ]
        for descriptor in descriptors {
            let (parsed, rest) = try VP8PayloadDescriptor.parse(descriptor.serialized() + [0xEE])
            #expect(parsed == descriptor)
            #expect(Array(rest) == [0xEE])
        }
        // A 7-bit picture ID (M clear) from another sender.
        let (short, _) = try VP8PayloadDescriptor.parse([0x90, 0x80, 0x05, 0xEE])
        #expect(short.pictureID == 5 && short.startsFrame)
        #expect(throws: MediaParseError.self) { try VP8PayloadDescriptor.parse([0x90, 0x80]) }
        #expect(throws: MediaParseError.self) { try VP8PayloadDescriptor.parse([0x10]) }
    }

    static func frame(size: Int, keyframe: Bool, seed: UInt8) -> [UInt8] {
        // A VP8 frame tag: bit 0 of byte 0 is 0 on key frames, which also carry the start
        // code after the 3-byte tag.
        let header: [UInt8] = keyframe ? [0x00, 0x00, 0x00, 0x9D, 0x01, 0x2A] : [0x01, 0x00, 0x00, 0x00, 0x00, 0x00]
        return header + (header.count..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
    }

    @Test func packetsRespectTheMTU() {
        var packetizer = VP8Packetizer(ssrc: 1, initialSequenceNumber: 10)
        let packets = packetizer.packetize(Self.frame(size: 5_000, keyframe: true, seed: 0), timestamp: 0)
        #expect(packets.count == 5)
        #expect(packets.allSatisfy { $0.payload.count <= 1200 })
        #expect(packets.map(\.marker) == [false, false, false, false, true])
        #expect(packets.map(\.sequenceNumber) == [10, 11, 12, 13, 14])
        #expect(packetizer.packetize([], timestamp: 0).isEmpty)
    }

    /// Packetizes `frames`, shuffles packets within a window, and depacketizes them.
    func deliver(
        _ frames: [[UInt8]], dropping dropped: Set<Int> = [], shuffleSeed: UInt64 = 5, initialSequence: UInt16 = 0xFFF0,
        packetInterval: Duration = .milliseconds(5)
    ) -> (frames: [EncodedVideoFrame], keyframeRequests: Int) {
        var packetizer = VP8Packetizer(ssrc: 1, initialSequenceNumber: initialSequence)
        var packets: [RTPPacket] = []
        for (index, frame) in frames.enumerated() {
            packets += packetizer.packetize(frame, timestamp: UInt32(index * 3000))
        }
        packets = packets.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        // Reorder: shuffle within windows of 4 packets.
        var generator = SplitMix64(seed: shuffleSeed)
        var reordered: [RTPPacket] = []
        for start in stride(from: 0, to: packets.count, by: 4) {
            reordered += packets[start..<min(start + 4, packets.count)].shuffled(using: &generator)
        }
        var depacketizer = VP8Depacketizer()
        var output: [EncodedVideoFrame] = []
        var requests = 0
        var now = Duration.zero
        for packet in reordered {
            now += packetInterval
            for event in depacketizer.insert(packet, now: now) + depacketizer.poll(now: now) {
                switch event {
                case .frame(let frame): output.append(frame)
                case .keyframeNeeded: requests += 1
                }
            }
        }
        for event in depacketizer.poll(now: now + .seconds(1)) {
            switch event {
            case .frame(let frame): output.append(frame)
            case .keyframeNeeded: requests += 1
            }
        }
        return (output, requests)
    }

    @Test func reorderedPacketsReassembleIntoFrames() {
        let frames = (0..<10).map { Self.frame(size: 500 + $0 * 400, keyframe: $0 == 0, seed: UInt8($0)) }
        let result = deliver(frames)
        #expect(result.frames.count == frames.count)
        #expect(result.frames.map(\.data) == frames, "frames differ")
        #expect(result.frames.map(\.timestamp) == (0..<10).map { Int64($0 * 3000) })
        #expect(result.frames.first?.isKeyframe == true)
        #expect(result.keyframeRequests == 0)
    }

    @Test func lossDropsTheFrameAndAsksForAKeyframe() {
        // Frames of 2 packets each (size 2000); frame 3 loses its second packet (index 7).
        let frames = (0..<12).map { Self.frame(size: 2_000, keyframe: $0 == 0 || $0 == 10, seed: UInt8($0)) }
        let result = deliver(frames, dropping: [7], packetInterval: .milliseconds(20))
        // Frames 0-2 play; 3 is incomplete; 4 to 9 cannot be decoded; 10 is a key frame.
        #expect(result.frames.map(\.timestamp) == [0, 1, 2, 10, 11].map { Int64($0 * 3000) })
        #expect(result.frames.map(\.data) == [frames[0], frames[1], frames[2], frames[10], frames[11]], "frames differ")
        #expect(result.keyframeRequests >= 1)
    }

    @Test func streamMustStartWithAKeyframe() {
        let frames = (0..<3).map { Self.frame(size: 100, keyframe: false, seed: UInt8($0)) }
        let result = deliver(frames)
        #expect(result.frames.isEmpty)
        #expect(result.keyframeRequests >= 1)
    }

    @Test func strayPacketsDoNotCompleteAFrame() {
        var assembler = VideoFrameAssembler(configuration: .init(maximumWait: .zero))
        func insert(_ sequence: UInt16, start: Bool = false, marker: Bool = false) -> [VideoFrameAssembler.Frame] {
            let packet = RTPPacket(payloadType: 96, marker: marker, sequenceNumber: sequence, timestamp: 7, ssrc: 1, payload: [])
            return assembler.insert(packet, fragment: [UInt8(sequence)], startsFrame: start, now: .zero)
        }
        // A stray packet with the frame's timestamp before its start, then start and end
        // with the middle missing: as many packets as the range, but not the right ones.
        #expect(insert(9).isEmpty)
        #expect(insert(10, start: true).isEmpty)
        #expect(insert(12, marker: true).isEmpty)
        let frames = insert(11)
        #expect(frames.map(\.data) == [[10, 11, 12]])
    }

    @Test func assemblerBoundsPendingFrames() {
        var assembler = VideoFrameAssembler(configuration: .init(maximumPendingFrames: 4))
        // First packets of 20 frames whose ends never come.
        for index in 0..<20 {
            let packet = RTPPacket(payloadType: 96, sequenceNumber: UInt16(index * 2), timestamp: UInt32(index), ssrc: 1, payload: [])
            #expect(assembler.insert(packet, fragment: [1], startsFrame: true, now: .zero).isEmpty)
            #expect(assembler.pendingFrameCount <= 4)
        }
        #expect(assembler.droppedFrameCount == 16)
    }
}
