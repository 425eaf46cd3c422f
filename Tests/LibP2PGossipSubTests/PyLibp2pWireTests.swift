import Crypto
import Foundation
import LibP2PCore
import LibP2PGossipSub
import Testing

/// RPC bytes produced by py-libp2p 0.8.1 with its own protobuf classes and its publish
/// signing path (`scripts/gossipsub-rpc-vectors.py`, run in `.venv-interop`): author key =
/// Ed25519 seed `[7] * 32`, seqno 42, topic "variance/test", data "hello variance".
@Suite struct PyLibp2pWireTests {
    static let signedRPC = [UInt8](
        hex: "0a110801120d76617269616e63652f746573740a0d080012096f6c642d746f70696312b9010a26002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c120e68656c6c6f2076617269616e63651a08000000000000002a220d76617269616e63652f746573742a407be5bed3a19f3f604fbe58b522488d7a8baeb4120183825d6bfc51569a568f37a941cc43e8336012fe268a2cc4c60dd30217aaf7a31b448ea750f92e461c1b03322408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c"
    )
    static let signedNoKeyRPC = [UInt8](
        hex: "1293010a26002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c120e68656c6c6f2076617269616e63651a08000000000000002a220d76617269616e63652f746573742a407be5bed3a19f3f604fbe58b522488d7a8baeb4120183825d6bfc51569a568f37a941cc43e8336012fe268a2cc4c60dd30217aaf7a31b448ea750f92e461c1b03"
    )
    static let controlRPC = [UInt8](
        hex: "1af4010a6f0a0d76617269616e63652f74657374122e002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c0000000000000001122e002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c000000000000000212300a2e002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c00000000000000031a0f0a0d76617269616e63652f74657374223e0a0e76617269616e63652f6f74686572122a0a26002408011220fd1724385aa0c75b64fb78cd602fa1d991fdebf76b13c58ed702eac835e9f6181200183c"
    )
    static let canonicalControlRPC = [UInt8](
        hex: "0a110801120d76617269616e63652f746573741ac2010a3f0a0d76617269616e63652f74657374122e002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c000000000000000112300a2e002408011220ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c00000000000000031a0f0a0d76617269616e63652f74657374223c0a0e76617269616e63652f6f7468657212280a26002408011220fd1724385aa0c75b64fb78cd602fa1d991fdebf76b13c58ed702eac835e9f618183c"
    )
    let author = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))

    @Test func decodesAndVerifiesASignedPublish() throws {
        let rpc = try PubSubRPC.decode(Self.signedRPC)
        #expect(rpc.subscriptions == [.init(topic: "variance/test", subscribe: true), .init(topic: "old-topic", subscribe: false)])
        #expect(rpc.messages.count == 1)
        let message = rpc.messages[0]
        #expect(message.author == peerID(of: author))
        #expect(message.author?.description == "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7")
        #expect(message.topic == "variance/test")
        #expect(message.data == Array("hello variance".utf8))
        #expect(message.seqno == [0, 0, 0, 0, 0, 0, 0, 42])
        #expect(message.wire.hasKey)
        #expect(message.verify(policy: .strictSign))
        #expect(MessageIDFunction.authorAndSeqno.id(of: message).bytes == peerID(of: author).bytes + [0, 0, 0, 0, 0, 0, 0, 42])
    }

    @Test func ourSignedMessageIsByteForBytePyLibp2ps() throws {
        let rpc = try PubSubRPC.decode(Self.signedNoKeyRPC)
        #expect(rpc.messages.first?.verify(policy: .strictSign) == true)
        // Ed25519 is deterministic: the same key, fields and prefix give the same bytes.
        var ours = PubSubRPC()
        ours.messages = [PubSubMessage.signed(data: Array("hello variance".utf8), topic: "variance/test", seqno: 42, identity: author)]
        #expect(ours.serializedBytes() == Self.signedNoKeyRPC)
    }

    @Test func decodesControlMessages() throws {
        let rpc = try PubSubRPC.decode(Self.controlRPC)
        let authorBytes = peerID(of: author).bytes
        #expect(rpc.control.ihave == [.init(topic: "variance/test", ids: [MessageID(authorBytes + [0, 0, 0, 0, 0, 0, 0, 1]), MessageID(authorBytes + [0, 0, 0, 0, 0, 0, 0, 2])])])
        #expect(rpc.control.iwant == [MessageID(authorBytes + [0, 0, 0, 0, 0, 0, 0, 3])])
        #expect(rpc.control.graft == ["variance/test"])
        let exchanged = peerID(of: try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32)))
        #expect(exchanged.description == "12D3KooWSrKnMZUcSxK8G7wmBbXdU8nFEfWGhLu6H8xjn8LmCSJb")
        #expect(rpc.control.prune == [.init(topic: "variance/other", peers: [.init(peer: exchanged)], backoffSeconds: 60)])
    }

    @Test func aRouterTakesPyLibp2psPublish() throws {
        var router = GossipSubRouter(identity: testIdentity(1), seed: 1, now: .zero)
        _ = router.subscribe("variance/test", now: .zero)
        let peer = peerID(of: testIdentity(2))
        _ = router.addPeer(peer, protocol: .meshsubV11, outbound: false, now: .zero)
        let actions = try router.receive(Self.signedRPC, from: peer, now: .zero)
        #expect(deliveries(actions).map(\.data) == [Array("hello variance".utf8)])
        #expect(router.peers(in: "variance/test") == [peer])
    }

    @Test func ourControlEncodingIsByteForBytePyLibp2ps() throws {
        let authorBytes = peerID(of: author).bytes
        let exchanged = peerID(of: try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32)))
        var rpc = PubSubRPC()
        rpc.subscriptions = [.init(topic: "variance/test", subscribe: true)]
        rpc.control.ihave = [.init(topic: "variance/test", ids: [MessageID(authorBytes + [0, 0, 0, 0, 0, 0, 0, 1])])]
        rpc.control.iwant = [MessageID(authorBytes + [0, 0, 0, 0, 0, 0, 0, 3])]
        rpc.control.graft = ["variance/test"]
        rpc.control.prune = [.init(topic: "variance/other", peers: [.init(peer: exchanged)], backoffSeconds: 60)]
        #expect(rpc.serializedBytes() == Self.canonicalControlRPC)
        #expect(try PubSubRPC.decode(Self.canonicalControlRPC) == rpc)
    }
}
