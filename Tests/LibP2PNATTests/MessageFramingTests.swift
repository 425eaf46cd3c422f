import LibP2PCore
import LibP2PNAT
import Testing

@Suite struct MessageFramingTests {
    @Test func framesAndUnframes() throws {
        let payload = Array(repeating: UInt8(0xAB), count: 300)
        let framed = MessageFraming.frame(payload)
        #expect(Array(framed.prefix(2)) == [0xAC, 0x02])
        let frame = try #require(try MessageFraming.unframe(framed + [1, 2, 3], maxLength: 4096))
        #expect(frame.payload == payload)
        #expect(frame.consumed == 302)
    }

    @Test func waitsForMoreBytes() throws {
        let framed = MessageFraming.frame([1, 2, 3, 4])
        for cut in 0..<framed.count {
            #expect(try MessageFraming.unframe(Array(framed.prefix(cut)), maxLength: 16) == nil)
        }
    }

    @Test func refusesOversizeAsSoonAsThePrefixProvesIt() {
        #expect(throws: NATWireError.messageTooLarge(size: 17, limit: 16)) {
            try MessageFraming.unframe([17], maxLength: 16)
        }
        // Two bytes of an unfinished prefix already mean at least 128.
        #expect(throws: NATWireError.messageTooLarge(size: 128, limit: 100)) {
            try MessageFraming.unframe([0x80, 0x80], maxLength: 100)
        }
        #expect(throws: NATWireError.malformed) {
            try MessageFraming.unframe([0x80, 0x00], maxLength: 100)
        }
    }

    @Test func streamDecoderTakesBytesOneByOne() throws {
        let messages = [HolePunchMessage.connect([ma("/ip4/1.2.3.4/tcp/4001")]), .sync]
        let stream = messages.flatMap { $0.framedBytes() }
        var decoder = MessageFraming.decoder(maxLength: HolePunchProtocol.maxMessageSize)
        var decoded: [HolePunchMessage] = []
        for byte in stream {
            decoder.append([byte])
            while let payload = try decoder.next() { decoded.append(try HolePunchMessage.decode(payload)) }
        }
        #expect(decoded == messages)
    }
}
