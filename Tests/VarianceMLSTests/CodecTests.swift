import Testing

@testable import VarianceMLS

@Suite struct CodecTests {
    @Test func deserializationVectors() throws {
        let entries = try MLSVectors.entries("deserialization.json")
        #expect(entries.count == 14)
        for entry in entries {
            let header = try entry.hex("vlbytes_header")
            let length = try entry.int("length")
            var reader = TLSReader(header)
            #expect(try reader.readLength() == length)
            #expect(reader.isAtEnd)
            var writer = TLSWriter()
            writer.writeLength(length)
            #expect(writer.bytes == header)
        }
    }

    @Test func rejectsReservedPrefixAndNonMinimalLengths() {
        for bad: [UInt8] in [[0xC0], [0xFF, 0, 0, 0, 0, 0, 0, 0], [0x40, 0x3F], [0x80, 0x00, 0x3F, 0xFF], [0x40]] {
            var reader = TLSReader(bad)
            #expect(throws: MLSError.self) { try reader.readLength() }
        }
    }

    @Test func vectorMayNotRunPastItsContainer() {
        var reader = TLSReader([0x05, 1, 2, 3])
        #expect(throws: MLSError.self) { try reader.readOpaque() }
        // A vector of uint32 whose body is not a multiple of 4 bytes.
        var partial = TLSReader([0x03, 0, 0, 1])
        #expect(throws: MLSError.self) { try partial.readVector(of: UInt32.self) }
    }

    @Test func trailingBytesAreRejected() throws {
        #expect(throws: MLSError.self) { try UInt16(tlsSerialized: [0, 1, 2]) }
        #expect(try UInt16(tlsSerialized: [1, 2]) == 0x0102)
    }

    @Test func garbageNeverTraps() {
        var rng = SeededGenerator(seed: 7)
        for round in 0..<3000 {
            let count = Int(rng.next() % 200)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Start half of the inputs like a real MLSMessage so the decoder goes deeper.
            if round % 2 == 0, bytes.count > 4 {
                bytes[0] = 0
                bytes[1] = 1
                bytes[2] = 0
                bytes[3] = UInt8(1 + round % 5)
            }
            _ = try? MLSMessage(tlsSerialized: bytes)
            _ = try? RatchetTree(tlsSerialized: bytes)
        }
    }

    /// Bit flips and truncations of real trees and messages must throw or decode, never trap,
    /// and whatever decodes must survive hashing and validation.
    @Test func mutatedVectorsNeverTrap() throws {
        let suite = CipherSuite.mls128X25519
        var rng = SeededGenerator(seed: 8)
        let trees = try MLSVectors.suite1("tree-validation.json").prefix(6).map { try $0.hex("tree") }
        let messages = try MLSVectors.entries("messages.json").prefix(4).flatMap { entry in
            try ["mls_welcome", "mls_group_info", "mls_key_package", "private_message", "public_message_commit"]
                .map { try entry.hex($0) }
        }
        for _ in 0..<300 {
            var tree = trees[Int(rng.next() % UInt64(trees.count))]
            for _ in 0..<(1 + rng.next() % 3) {
                tree[Int(rng.next() % UInt64(tree.count))] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
            }
            if let decoded = try? RatchetTree(tlsSerialized: tree) {
                _ = decoded.allTreeHashes(suite: suite)
                _ = decoded.verifyParentHashes(suite: suite)
                _ = try? decoded.validate(suite: suite, groupID: [])
                for leaf in 0..<decoded.leafCount { _ = decoded.filteredDirectPath(leaf) }
            }
            var message = messages[Int(rng.next() % UInt64(messages.count))]
            message[Int(rng.next() % UInt64(message.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            _ = try? MLSMessage(tlsSerialized: message)
            _ = try? MLSMessage(tlsSerialized: Array(message.prefix(Int(rng.next() % UInt64(message.count)))))
        }
        // Leaf indices near 2^32 are refused, not multiplied into a trap.
        let tree = try RatchetTree(tlsSerialized: trees[0])
        #expect(tree.leaf(UInt32.max) == nil)
        #expect(throws: MLSError.self) { try tree.validate(suite: suite, groupID: []) }
    }
}
