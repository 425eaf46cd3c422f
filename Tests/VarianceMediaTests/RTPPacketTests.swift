import Testing
@testable import VarianceMedia

@Suite struct RTPPacketTests {
    @Test func minimalPacketRoundTrips() throws {
        let packet = RTPPacket(payloadType: 111, marker: true, sequenceNumber: 0xFFFF, timestamp: 0xDEAD_BEEF, ssrc: 0x1234_5678, payload: [1, 2, 3])
        let bytes = packet.serialized()
        #expect(bytes.count == 15)
        #expect(bytes[0] == 0x80)
        #expect(bytes[1] == 0x80 | 111)
        #expect(Array(bytes[2..<4]) == [0xFF, 0xFF])
        #expect(try RTPPacket(parsing: bytes) == packet)
    }

    @Test func csrcsExtensionAndPaddingRoundTrip() throws {
        let packet = RTPPacket(
            payloadType: 96, sequenceNumber: 7, timestamp: 90_000, ssrc: 42, csrcs: [1, 2, 3],
            headerExtension: RTPHeaderExtension(profile: 0xBEDE, data: [0x10, 0xAA, 0, 0]), payload: [9, 8, 7, 6, 5],
            paddingLength: 3)
        let bytes = packet.serialized()
        #expect(bytes[0] == 0x80 | 0x20 | 0x10 | 3)
        #expect(bytes.count == 12 + 12 + 4 + 4 + 5 + 3)
        #expect(bytes.last == 3)
        let parsed = try RTPPacket(parsing: bytes)
        #expect(parsed == packet)
        #expect(parsed.payload == [9, 8, 7, 6, 5])
    }

    @Test func extensionIsSkippedToFindThePayload() throws {
        // A hand-built packet: X set, a 2-word extension, then the payload.
        var bytes: [UInt8] = [0x90, 0x60, 0x00, 0x01, 0, 0, 0, 5, 0, 0, 0, 9]
        bytes += [0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8]
        bytes += [0xAB, 0xCD]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.payload == [0xAB, 0xCD])
        #expect(packet.headerExtension?.data.count == 8)
    }

    @Test func malformedPacketsAreRefused() {
        #expect(throws: MediaParseError.truncated) { try RTPPacket(parsing: [0x80, 0x60, 0]) }
        #expect(throws: MediaParseError.unsupportedVersion(1)) { try RTPPacket(parsing: [UInt8](repeating: 0x40, count: 12)) }
        // CSRC count 15 but nothing after the fixed header.
        #expect(throws: MediaParseError.truncated) { try RTPPacket(parsing: [0x8F] + [UInt8](repeating: 0, count: 11)) }
        // Padding count larger than the packet body.
        var padded: [UInt8] = [0xA0, 0x60] + [UInt8](repeating: 0, count: 10)
        padded += [1, 2, 200]
        #expect(throws: MediaParseError.self) { try RTPPacket(parsing: padded) }
        // Padding count of zero is invalid.
        #expect(throws: MediaParseError.self) { try RTPPacket(parsing: [0xA0, 0x60] + [UInt8](repeating: 0, count: 11)) }
        // Extension longer than the packet.
        #expect(throws: MediaParseError.truncated) {
            try RTPPacket(parsing: [0x90, 0x60] + [UInt8](repeating: 0, count: 10) + [0xBE, 0xDE, 0xFF, 0xFF])
        }
    }

    @Test func sequenceNumbersCompareAcrossWraparound() {
        #expect(SequenceNumber.isNewer(0, than: 0xFFFF))
        #expect(!SequenceNumber.isNewer(0xFFFF, than: 0))
        #expect(SequenceNumber.distance(from: 0xFFFE, to: 2) == 4)
        var unwrapper = SequenceNumberUnwrapper()
        let first = unwrapper.unwrap(0xFFFD)
        #expect(unwrapper.unwrap(0xFFFF) == first + 2)
        #expect(unwrapper.unwrap(1) == first + 4)
        #expect(unwrapper.unwrap(0xFFFE) == first + 1)  // late, before the wrap
        #expect(unwrapper.unwrap(3) == first + 6)
    }
}
