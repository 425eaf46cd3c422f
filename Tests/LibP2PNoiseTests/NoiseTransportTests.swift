import Testing

@testable import LibP2PNoise

struct NoiseTransportTests {
    /// A connected pair of transports with fixed keys (as `Split()` would give them).
    static func pair() -> (NoiseTransport, NoiseTransport) {
        let keyA = [UInt8](repeating: 0xA1, count: 32)
        let keyB = [UInt8](repeating: 0xB2, count: 32)
        return (
            NoiseTransport(sending: CipherState(key: keyA), receiving: CipherState(key: keyB)),
            NoiseTransport(sending: CipherState(key: keyB), receiving: CipherState(key: keyA))
        )
    }

    /// The lengths of the frames in `bytes`, which must be whole frames.
    static func frameLengths(_ bytes: [UInt8]) -> [Int] {
        var lengths: [Int] = []
        var index = 0
        while index + 2 <= bytes.count {
            let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            lengths.append(length)
            index += 2 + length
        }
        #expect(index == bytes.count)
        return lengths
    }

    @Test(arguments: [1, 65_518, 65_519, 65_520, 2 * 65_519 + 10, 300_000])
    func largeMessagesSplitAt65519(size: Int) throws {
        var (a, b) = Self.pair()
        let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frames = try a.encrypt(plaintext)
        let lengths = Self.frameLengths(frames)
        let expectedCount = (size + 65_518) / 65_519
        #expect(lengths.count == expectedCount)
        #expect(lengths.dropLast().allSatisfy { $0 == 65_535 })
        #expect(lengths.last == size - (expectedCount - 1) * 65_519 + 16)
        #expect(a.sendingNonce == UInt64(expectedCount))
        #expect(try b.decrypt(frames) == plaintext)
        #expect(b.receivingNonce == UInt64(expectedCount))
    }

    @Test func emptyPlaintextSendsNothing() throws {
        var (a, _) = Self.pair()
        #expect(try a.encrypt([]) == [])
        #expect(a.sendingNonce == 0)
    }

    @Test func byteByByteAndChunkedDelivery() throws {
        var (a, b) = Self.pair()
        let messages = [[UInt8](repeating: 1, count: 10), [2, 3], [UInt8](repeating: 4, count: 70_000)]
        var wire: [UInt8] = []
        for message in messages { wire += try a.encrypt(message) }
        let expected = messages.flatMap { $0 }

        var byteByByte = b
        var received: [UInt8] = []
        for byte in wire { received += try byteByByte.decrypt([byte]) }
        #expect(received == expected)
        #expect(byteByByte.bufferedByteCount == 0)

        var generator = SeededGenerator(state: 3)
        var chunked = b
        received = []
        var index = 0
        while index < wire.count {
            let end = min(wire.count, index + Int.random(in: 1...5000, using: &generator))
            received += try chunked.decrypt(Array(wire[index..<end]))
            #expect(chunked.bufferedByteCount <= 2 + 65_535)
            index = end
        }
        #expect(received == expected)

        var whole = b
        #expect(try whole.decrypt(wire) == expected)
    }

    @Test func partialFrameIsBuffered() throws {
        var (a, b) = Self.pair()
        let frame = try a.encrypt([1, 2, 3, 4])
        #expect(try b.decrypt(Array(frame.prefix(7))) == [])
        #expect(b.bufferedByteCount == 7)
        #expect(try b.decrypt(Array(frame.dropFirst(7))) == [1, 2, 3, 4])
        #expect(b.bufferedByteCount == 0)
    }

    @Test func framesMustArriveInNonceOrder() throws {
        var (a, b) = Self.pair()
        let first = try a.encrypt([1])
        let second = try a.encrypt([2])
        var inOrder = b
        #expect(try inOrder.decrypt(first) == [1])
        #expect(try inOrder.decrypt(second) == [2])
        #expect(inOrder.receivingNonce == 2)

        var swapped = b
        #expect(noiseError { _ = try swapped.decrypt(second) } == .decryptFailed)
        #expect(noiseError { _ = try swapped.decrypt(first) } == .unexpectedMessage)
    }

    @Test func replayedFrameFails() throws {
        var (a, b) = Self.pair()
        let frame = try a.encrypt([9, 9])
        #expect(try b.decrypt(frame) == [9, 9])
        #expect(noiseError { _ = try b.decrypt(frame) } == .decryptFailed)
    }

    @Test func everyTamperedByteFails() throws {
        var (a, b) = Self.pair()
        let frame = try a.encrypt(Array("hello, noise".utf8))
        for index in 2..<frame.count {
            var tampered = frame
            tampered[index] ^= 0x20
            var receiver = b
            #expect(noiseError { _ = try receiver.decrypt(tampered) } == .decryptFailed, "byte \(index)")
        }
        var truncated = b
        let shortened = [0, UInt8(frame.count - 3)] + frame[2..<(frame.count - 1)]
        #expect(noiseError { _ = try truncated.decrypt(Array(shortened)) } == .decryptFailed)
        var tooShort = b
        #expect(noiseError { _ = try tooShort.decrypt([0, 3, 1, 2, 3]) } == .decryptFailed)
    }

    @Test func wrongDirectionFails() throws {
        var (a, _) = Self.pair()
        var other = a
        let frame = try a.encrypt([5])
        #expect(noiseError { _ = try other.decrypt(frame) } == .decryptFailed)
    }
}
