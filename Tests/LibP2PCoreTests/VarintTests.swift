import LibP2PCore
import Testing

struct VarintTests {
    /// multiformats/unsigned-varint README examples.
    @Test(arguments: [
        (UInt64(1), "01"), (127, "7f"), (128, "8001"), (255, "ff01"), (300, "ac02"), (16384, "808001"),
        (0, "00"), (UInt64(Int64.max), "ffffffffffffffff7f"),
    ])
    func knownEncodings(value: UInt64, hex: String) throws {
        #expect(Varint.encode(value) == [UInt8](hex: hex))
        #expect(Varint.encodedLength(value) == hex.count / 2)
        let decoded = try Varint.decode([UInt8](hex: hex) + [0xAA, 0xBB])
        #expect(decoded.value == value)
        #expect(decoded.length == hex.count / 2)
    }

    @Test func appendsIntoBuffer() {
        var buffer: [UInt8] = [0x42]
        Varint.encode(300, into: &buffer)
        #expect(buffer == [0x42, 0xAC, 0x02])
    }

    @Test func roundTripsPowersOfTwo() throws {
        for shift in 0..<63 {
            for value in [UInt64(1) << shift, (UInt64(1) << shift) - 1, (UInt64(1) << shift) + 1] {
                let encoded = Varint.encode(value)
                let decoded = try Varint.decode(encoded)
                #expect(decoded.value == value && decoded.length == encoded.count)
            }
        }
    }

    @Test func decodesByteByByteAsTruncatedUntilComplete() throws {
        let encoded = Varint.encode(1 << 40)
        for end in 0..<encoded.count {
            #expect(throws: Varint.DecodingError.truncated) { try Varint.decode(encoded[..<end]) }
        }
        #expect(try Varint.decode(encoded[...]).value == 1 << 40)
    }

    @Test func refusesTooLongAndNonMinimal() {
        #expect(throws: Varint.DecodingError.tooLong) { try Varint.decode([UInt8](repeating: 0x80, count: 9)) }
        #expect(throws: Varint.DecodingError.tooLong) { try Varint.decode([UInt8](repeating: 0x80, count: 9) + [0x01]) }
        #expect(throws: Varint.DecodingError.tooLong) { try Varint.decode(Varint.encode(UInt64.max)) }
        #expect(throws: Varint.DecodingError.notMinimal) { try Varint.decode([0x80, 0x00]) }
        #expect(throws: Varint.DecodingError.notMinimal) { try Varint.decode([0x81, 0x80, 0x00]) }
    }
}
