import LibP2PYamux
import Testing

struct YamuxFrameDecoderTests {
    @Test func encodesHeaderBigEndian() {
        let header = YamuxFrameHeader(type: .windowUpdate, flags: [.syn, .fin], streamID: 0x0102_0304, length: 0x0A0B_0C0D)
        #expect(header.encoded == [0x00, 0x01, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x0A, 0x0B, 0x0C, 0x0D])
    }

    @Test func initialWindowIs256KiB() {
        #expect(YamuxConfiguration.defaultWindow == 262_144)
        #expect(YamuxConfiguration().initialWindow == 262_144)
    }

    @Test func decodesSeveralFramesFromOneBuffer() throws {
        let frames: [YamuxFrame] = [
            .data(1, flags: .syn, [1, 2, 3]), .windowUpdate(1, flags: .ack, delta: 7), .ping(flags: .syn, opaque: 99),
            .data(3, []), .goAway(.internalError), .data(1, flags: .fin, Array(repeating: 0xEE, count: 1000)),
        ]
        var decoder = YamuxFrameDecoder()
        decoder.append(frames.flatMap(\.encoded))
        var decoded: [YamuxFrame] = []
        while let frame = try decoder.nextFrame() { decoded.append(frame) }
        #expect(decoded == frames)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func decodesByteByByte() throws {
        let frames: [YamuxFrame] = [
            .data(5, [9, 8, 7, 6]), .windowUpdate(5, delta: 262_144), .ping(flags: .ack, opaque: .max), .data(5, flags: .rst),
        ]
        var decoder = YamuxFrameDecoder()
        var decoded: [YamuxFrame] = []
        for byte in frames.flatMap(\.encoded) {
            decoder.append([byte])
            while let frame = try decoder.nextFrame() { decoded.append(frame) }
        }
        #expect(decoded == frames)
    }

    @Test func acceptsRawBufferInput() throws {
        let bytes = YamuxFrame.data(1, [1, 2]).encoded
        var decoder = YamuxFrameDecoder()
        bytes.withUnsafeBytes { decoder.append($0) }
        #expect(try decoder.nextFrame() == .data(1, [1, 2]))
    }

    @Test func refusesUnknownVersion() {
        var decoder = YamuxFrameDecoder()
        decoder.append([0x01, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(throws: YamuxProtocolError.unsupportedVersion(1)) { try decoder.nextFrame() }
    }

    @Test func refusesUnknownType() {
        var decoder = YamuxFrameDecoder()
        decoder.append([0x00, 0x04, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(throws: YamuxProtocolError.unknownFrameType(4)) { try decoder.nextFrame() }
    }

    @Test func refusesOversizedDataOnTheHeaderAlone() {
        var decoder = YamuxFrameDecoder(maxDataLength: 1024)
        decoder.append(YamuxFrameHeader(type: .data, streamID: 1, length: 1025).encoded)
        #expect(throws: YamuxProtocolError.frameTooLarge(1025)) { try decoder.nextFrame() }
        var huge = YamuxFrameDecoder()
        huge.append(YamuxFrameHeader(type: .data, streamID: 1, length: .max).encoded)
        #expect(throws: YamuxProtocolError.frameTooLarge(.max)) { try huge.nextFrame() }
    }

    @Test func lengthOfNonDataFramesIsNoPayload() throws {
        // A WindowUpdate announcing 4 GiB is just a number: no bytes follow.
        var decoder = YamuxFrameDecoder(maxDataLength: 16)
        decoder.append(YamuxFrame.windowUpdate(1, delta: .max).encoded + YamuxFrame.ping(flags: .syn, opaque: .max).encoded)
        #expect(try decoder.nextFrame() == .windowUpdate(1, delta: .max))
        #expect(try decoder.nextFrame() == .ping(flags: .syn, opaque: .max))
        #expect(try decoder.nextFrame() == nil)
    }

    @Test func waitsForPartialInput() throws {
        var decoder = YamuxFrameDecoder()
        let bytes = YamuxFrame.data(1, [1, 2, 3, 4]).encoded
        decoder.append(Array(bytes[0..<11]))
        #expect(try decoder.nextFrame() == nil)
        decoder.append(Array(bytes[11..<14]))
        #expect(try decoder.nextFrame() == nil)
        decoder.append(Array(bytes[14...]))
        #expect(try decoder.nextFrame() == .data(1, [1, 2, 3, 4]))
    }
}
