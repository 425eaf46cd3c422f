import Foundation
import LibP2PCore
import LibP2PKad
import LibP2PProtos
import Testing

@Suite struct KadMessageTests {
    // Bytes produced by py-libp2p 0.8.1's kademlia_pb2 (peer = Ed25519 key 00 01 … 1f).
    static let pyFindNode = [UInt8](
        hex: "08041226002408011220000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f42340a26002408011220"
            + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f1208047f000001060fa11801"
    )
    static let pyPutValue = [UInt8](
        hex: "120b2f746573742f68656c6c6f1a2e0a0b2f746573742f68656c6c6f1205776f726c642a18323032362d31312d32375430363a32"
            + "323a34312e3132335a"
    )

    @Test func decodesPyLibp2pBytesAndEncodesTheSame() throws {
        let peer = PeerID(ed25519PublicKey: Array(0..<32))
        #expect(peer.description == "12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A")
        let findNode = try KadMessage.decode(Self.pyFindNode)
        #expect(findNode.type == .findNode)
        #expect(findNode.key == peer.bytes)
        #expect(findNode.closerPeers == [KadPeer(id: peer, addresses: [testAddress], connection: .connected)])
        #expect(findNode.serializedBytes() == Self.pyFindNode)

        let put = try KadMessage.decode(Self.pyPutValue)
        #expect(put.type == .putValue)
        #expect(put.record == KadRecord(key: Array("/test/hello".utf8), value: Array("world".utf8), timeReceived: "2026-11-27T06:22:41.123Z"))
        #expect(put.serializedBytes() == Self.pyPutValue)
    }

    @Test func ignoresPyLibp2pSignedRecordExtensions() throws {
        // GET_PROVIDERS from py-libp2p with its extra fields: Message.senderRecord (11) and
        // Peer.signedRecord (4), which are not in the specification.
        let bytes = [UInt8](
            hex: "080312221220" + String(repeating: "00", count: 32)
                + "4a3a0a26002408011220000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f1208047f000001060fa1"
                + "22067369676e65645a0b010203656e76656c6f7065"
        )
        let message = try KadMessage.decode(bytes)
        #expect(message.type == .getProviders)
        #expect(message.key == [0x12, 0x20] + Array(repeating: 0, count: 32))
        #expect(message.providerPeers == [KadPeer(id: PeerID(ed25519PublicKey: Array(0..<32)), addresses: [testAddress])])
    }

    @Test func framesWithVarintLength() throws {
        let message = KadMessage.findNode(testPeer(3).bytes)
        let framed = message.framedBytes()
        let (length, prefix) = try Varint.decode(framed)
        #expect(Int(length) == framed.count - prefix)
        #expect(try KadMessage.decode(Array(framed[prefix...])) == message)
    }

    @Test func severalFramedMessagesFedByteByByte() throws {
        let messages = [KadMessage.ping, .findNode(testPeer(4).bytes), .putValue(KadRecord(key: Array("/test/z".utf8), value: Array(repeating: 5, count: 300)))]
        var decoder = LengthPrefixedDecoder(maxMessageLength: KadConfiguration().maxMessageSize)
        var decoded: [KadMessage] = []
        for byte in messages.flatMap({ $0.framedBytes() }) {
            decoder.append([byte])
            while let payload = try decoder.next() { decoded.append(try KadMessage.decode(payload)) }
        }
        #expect(decoded == messages)
    }

    @Test func refusesTooManyCloserPeers() {
        var wire = Libp2p_Kad_Message()
        wire.type = .findNode
        var peer = Libp2p_Kad_Message.Peer()
        peer.id = .init(testPeer(1).bytes)
        wire.closerPeers = Array(repeating: peer, count: 65)
        let bytes: [UInt8] = try! wire.serializedBytes()
        #expect(throws: KadError.tooManyPeers(count: 65, limit: 64)) { try KadMessage.decode(bytes) }
    }

    @Test func refusesOversizedRecordsAndMessages() {
        let big = KadMessage.putValue(KadRecord(key: Array("/test/x".utf8), value: Array(repeating: 7, count: 64 * 1024 + 1)))
        #expect(throws: KadError.recordTooLarge(size: 64 * 1024 + 1, limit: 64 * 1024)) {
            try KadMessage.decode(big.serializedBytes())
        }
        #expect(throws: KadError.messageTooLarge(size: 300_000, limit: 256 * 1024)) {
            try KadMessage.decode(Array(repeating: 0, count: 300_000))
        }
        let longKey = KadMessage.getValue(Array(repeating: 1, count: 513))
        #expect(throws: KadError.invalidKey) { try KadMessage.decode(longKey.serializedBytes()) }
    }

    @Test func dropsGarbagePeerIDsAndAddresses() throws {
        var wire = Libp2p_Kad_Message()
        wire.type = .findNode
        var garbage = Libp2p_Kad_Message.Peer()
        garbage.id = .init([0x12, 0x05, 1, 2, 3])
        var good = Libp2p_Kad_Message.Peer()
        good.id = .init(testPeer(9).bytes)
        good.addrs = [.init([0xFF, 0xFF, 0xFF]), .init(testAddress.bytes)] + Array(repeating: .init(testAddress.bytes), count: 40)
        wire.closerPeers = [garbage, good]
        let encoded: [UInt8] = try wire.serializedBytes()
        let message = try KadMessage.decode(encoded)
        #expect(message.closerPeers.count == 1)
        #expect(message.closerPeers[0].id == testPeer(9))
        #expect(message.closerPeers[0].addresses.count == 16)
    }

    @Test func refusesMalformedAndUnknownType() {
        #expect(throws: KadError.malformed) { try KadMessage.decode([0x0A, 0xFF]) }
        #expect(throws: KadError.unknownMessageType(9)) { try KadMessage.decode([0x08, 0x09]) }
    }

    /// 3,000 rounds in CI; `KAD_FUZZ_ROUNDS=1000000 swift test -c release --filter survivesRandomBytes` by hand.
    @Test func survivesRandomBytes() {
        var random = SeededGenerator(seed: 42)
        let seeds = [Self.pyFindNode, Self.pyPutValue]
        let rounds = ProcessInfo.processInfo.environment["KAD_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 3000
        for round in 0..<rounds {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = random.bytes(Int(random.next() % 200))
            } else {
                bytes = seeds[round % 4 / 2]
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let index = Int(random.next() % UInt64(bytes.count))
                    bytes[index] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            KadNode.fuzz(bytes)
        }
    }
}
