import Crypto
import Foundation
import LibP2PCore
import LibP2PGossipSub
import LibP2PProtos
import Testing

@Suite struct PubSubRPCTests {
    @Test func roundTrips() throws {
        var rpc = PubSubRPC()
        rpc.subscriptions = [.init(topic: "a", subscribe: true), .init(topic: "b", subscribe: false)]
        rpc.messages = [PubSubMessage.signed(data: [1, 2], topic: "a", seqno: 7, identity: testIdentity(1))]
        rpc.control.ihave = [.init(topic: "a", ids: [MessageID([1]), MessageID([2])])]
        rpc.control.iwant = [MessageID([3])]
        rpc.control.graft = ["a"]
        rpc.control.prune = [.init(topic: "b", peers: [.init(peer: peerID(of: testIdentity(2)), signedPeerRecord: [9])], backoffSeconds: 60)]
        #expect(try PubSubRPC.decode(rpc.serializedBytes()) == rpc)
        // The unsubscribe flag is present on the wire (proto2), not dropped as a default.
        #expect(rpc.serializedBytes().starts(with: [0x0A, 0x05, 0x08, 0x01, 0x12, 0x01, 0x61, 0x0A, 0x05, 0x08, 0x00]))
    }

    @Test func signatureCoversTheMessageWithoutSignatureAndKey() {
        let message = PubSubMessage.signed(data: Array("x".utf8), topic: "t", seqno: 1, identity: testIdentity(3))
        #expect(message.verify(policy: .strictSign))
        #expect(!message.verify(policy: .strictNoSign))
        var tampered = message.wire
        tampered.seqno = Data([0, 0, 0, 0, 0, 0, 0, 2])
        #expect(!PubSubMessage(wire: tampered).verify(policy: .strictSign))
        // A key that is not the author's is refused even with a valid signature by it.
        var wrongKey = message.wire
        wrongKey.key = Data(LibP2PPublicKey(ed25519: Array(testIdentity(4).publicKey.rawRepresentation)).protobuf)
        #expect(!PubSubMessage(wire: wrongKey).verify(policy: .strictSign))
        // The author's own key in `key` is fine.
        var ownKey = message.wire
        ownKey.key = Data(LibP2PPublicKey(ed25519: Array(testIdentity(3).publicKey.rawRepresentation)).protobuf)
        #expect(PubSubMessage(wire: ownKey).verify(policy: .strictSign))
        var noSeqno = message.wire
        noSeqno.clearSeqno()
        #expect(!PubSubMessage(wire: noSeqno).verify(policy: .strictSign))
    }

    /// The shell's read path: a stream carrying several framed RPCs, arriving a byte at a
    /// time, split with LibP2PCore's LengthPrefixedDecoder and decoded.
    @Test func framedRPCsSplitByteByByte() throws {
        var first = PubSubRPC()
        first.subscriptions = [.init(topic: "a", subscribe: true)]
        var second = PubSubRPC()
        second.messages = [PubSubMessage.signed(data: Array(repeating: 7, count: 300), topic: "a", seqno: 1, identity: testIdentity(10))]
        var third = PubSubRPC()
        third.control.graft = ["a"]
        let stream = first.framedBytes() + second.framedBytes() + third.framedBytes()
        var decoder = LengthPrefixedDecoder(maxMessageLength: GossipSubConfiguration().maxMessageSize)
        var received: [PubSubRPC] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.next() { received.append(try PubSubRPC.decode(frame)) }
        }
        #expect(received == [first, second, third])
    }

    @Test func oversizedRPCIsRefused() {
        var configuration = GossipSubConfiguration()
        configuration.maxMessageSize = 1000
        #expect(throws: GossipSubError.tooLarge(size: 1001, limit: 1000)) {
            try PubSubRPC.decode(Array(repeating: 0, count: 1001), configuration: configuration)
        }
    }

    @Test func tooManyEntriesAndIDsAreRefused() {
        var configuration = GossipSubConfiguration()
        configuration.maxEntriesPerRPC = 4
        configuration.maxMessageIDsPerRPC = 10
        var subscriptions = PubSubRPC()
        subscriptions.subscriptions = (0..<5).map { .init(topic: "t\($0)", subscribe: true) }
        #expect(throws: GossipSubError.tooManyEntries(count: 5, limit: 4)) {
            try PubSubRPC.decode(subscriptions.serializedBytes(), configuration: configuration)
        }
        var ids = PubSubRPC()
        ids.control.ihave = [.init(topic: "t", ids: (0..<6).map { MessageID([UInt8($0)]) })]
        ids.control.iwant = (0..<5).map { MessageID([UInt8($0)]) }
        #expect(throws: GossipSubError.tooManyMessageIDs(count: 11, limit: 10)) {
            try PubSubRPC.decode(ids.serializedBytes(), configuration: configuration)
        }
        var topic = PubSubRPC()
        topic.control.graft = [String(repeating: "x", count: 257)]
        #expect(throws: GossipSubError.invalidTopic) { try PubSubRPC.decode(topic.serializedBytes()) }
    }

    @Test func hostileBytesNeverTrap() {
        var random = GossipSubRandom(seed: 99)
        var valid = PubSubRPC()
        valid.messages = [PubSubMessage.signed(data: [1], topic: "t", seqno: 1, identity: testIdentity(5))]
        valid.control.prune = [.init(topic: "t", peers: [.init(peer: peerID(of: testIdentity(6)))], backoffSeconds: 1)]
        let bytes = valid.serializedBytes()
        for length in 0..<bytes.count { PubSubRPC.fuzz(Array(bytes.prefix(length))) }
        for hex in [PyLibp2pWireTests.signedRPC, PyLibp2pWireTests.controlRPC] { PubSubRPC.fuzz(hex) }
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int(random.next() % 4 + 1) {
                mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            PubSubRPC.fuzz(mutated)
            PubSubRPC.fuzz(random.bytes(Int(random.next() % 64)))
        }
        // Garbage at a live router: refused, nothing else happens.
        var router = GossipSubRouter(identity: testIdentity(7), seed: 1, now: .zero)
        let peer = peerID(of: testIdentity(8))
        _ = router.addPeer(peer, protocol: .meshsubV11, outbound: false, now: .zero)
        #expect(throws: GossipSubError.malformed) { try router.receive([0xFF, 0xFF, 0xFF], from: peer, now: .zero) }
        #expect(throws: GossipSubError.unknownPeer) { try router.receive([], from: peerID(of: testIdentity(9)), now: .zero) }
    }
}

@Suite struct GossipSubLimitTests {
    let topic = "limits"
    let now = GossipSubTime(seconds: 100)

    @Test func publishOverTheSizeLimitThrows() {
        var configuration = GossipSubConfiguration()
        configuration.maxMessageSize = 4096
        var router = GossipSubRouter(identity: testIdentity(1), configuration: configuration, seed: 1, now: now)
        #expect(throws: GossipSubError.self) { try router.publish(Array(repeating: 1, count: 4096), to: topic, now: now) }
        #expect(throws: GossipSubError.invalidTopic) { try router.publish([1], to: "", now: now) }
        #expect((try? router.publish(Array(repeating: 1, count: 3000), to: topic, now: now)) != nil)
    }

    @Test func iwantIsCappedPerIHaveAndIHaveMessagesPerHeartbeat() throws {
        var configuration = GossipSubConfiguration()
        configuration.maxIHaveLength = 50
        configuration.maxIHaveMessages = 2
        var router = GossipSubRouter(identity: testIdentity(2), configuration: configuration, seed: 1, now: now)
        _ = router.subscribe(topic, now: now)
        let peer = ScriptedPeer(seed: 3)
        _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: peer.id, now: now)
        let ids = (0..<200).map { MessageID([1, UInt8($0)]) }
        let answer = try router.receive(ScriptedPeer.rpc(ihave: [.init(topic: topic, ids: ids)]), from: peer.id, now: now)
        #expect(sent(answer, to: peer.id).flatMap(\.control.iwant).count == 50)
        // The budget is spent for this heartbeat...
        let more = (0..<10).map { MessageID([2, UInt8($0)]) }
        #expect(sent(try router.receive(ScriptedPeer.rpc(ihave: [.init(topic: topic, ids: more)]), from: peer.id, now: now), to: peer.id).isEmpty)
        // ...and renewed by the next one.
        _ = router.heartbeat(now: now + .seconds(1))
        let renewed = try router.receive(ScriptedPeer.rpc(ihave: [.init(topic: topic, ids: more)]), from: peer.id, now: now + .seconds(1))
        #expect(sent(renewed, to: peer.id).flatMap(\.control.iwant).count == 10)
        // At most maxIHaveMessages IHAVEs per heartbeat are looked at.
        _ = router.heartbeat(now: now + .seconds(2))
        let three = (0..<3).map { index in PubSubRPC.IHave(topic: topic, ids: [MessageID([3, UInt8(index)])]) }
        let capped = try router.receive(ScriptedPeer.rpc(ihave: three), from: peer.id, now: now + .seconds(2))
        #expect(sent(capped, to: peer.id).flatMap(\.control.iwant).count == 2)
    }

    @Test func iwantAnswersAreLimitedPerMessageAndPeer() throws {
        var router = GossipSubRouter(identity: testIdentity(4), seed: 1, now: now)
        _ = router.subscribe(topic, now: now)
        let peer = ScriptedPeer(seed: 5)
        _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
        let (id, _) = try router.publish([7], to: topic, now: now)
        var answered = 0
        for _ in 0..<6 {
            let actions = try router.receive(ScriptedPeer.rpc(iwant: [id]), from: peer.id, now: now)
            answered += sent(actions, to: peer.id).flatMap(\.messages).count
            router.sendCompleted(to: peer.id)
        }
        #expect(answered == GossipSubConfiguration().gossipRetransmission)
        #expect(sent(try router.receive(ScriptedPeer.rpc(iwant: [MessageID([0])]), from: peer.id, now: now), to: peer.id).isEmpty)
    }

    @Test func outgoingQueuePerPeerIsBounded() throws {
        var configuration = GossipSubConfiguration()
        configuration.maxQueuedRPCsPerPeer = 4
        var router = GossipSubRouter(identity: testIdentity(6), configuration: configuration, seed: 1, now: now)
        let slow = ScriptedPeer(seed: 7)
        _ = router.addPeer(slow.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: slow.id, now: now)
        var sends = 0
        for index in 0..<10 {
            sends += sent(try router.publish([UInt8(index)], to: topic, now: now).actions, to: slow.id).count
        }
        #expect(sends == 4)
        #expect(router.droppedRPCs == 6)
        router.sendCompleted(to: slow.id)
        #expect(sent(try router.publish([99], to: topic, now: now).actions, to: slow.id).count == 1)
    }

    @Test func seenCacheForgetsAfterItsTTL() throws {
        var router = GossipSubRouter(identity: testIdentity(8), seed: 1, now: now)
        _ = router.subscribe(topic, now: now)
        let peer = ScriptedPeer(seed: 9)
        var author = ScriptedPeer(seed: 10)
        _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
        let message = author.message([1], topic: topic)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [message]), from: peer.id, now: now)).count == 1)
        let later = now + .seconds(60)
        _ = router.heartbeat(now: later)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [message]), from: peer.id, now: later)).isEmpty)
        let muchLater = now + .seconds(121)
        _ = router.heartbeat(now: muchLater)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [message]), from: peer.id, now: muchLater)).count == 1)
    }
}
