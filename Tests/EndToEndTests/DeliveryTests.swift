import Foundation
import Testing
import VarianceRPC

/// "Nothing lost": real engine processes exchanging many messages, with the receiver
/// restarted and the sender killed mid-stream. Every accepted message (one whose
/// `messages.send` was answered) arrives exactly once, in the order it was sent.
@Suite(.serialized) struct DeliveryTests {
    @Test func aThousandMessagesEachWayArriveOnceAndInOrder() async throws {
        try await offThePool {
            let (alice, bob) = try Pair.connected()
            defer { alice.stop(); bob.stop() }
            let count = 1000
            let aliceIDs = alice.pipelineSends(to: bob.did, texts: (0..<count).map { "a\($0)" })
            let bobIDs = bob.pipelineSends(to: alice.did, texts: (0..<count).map { "b\($0)" })
            try alice.waitForReplies(aliceIDs)
            try bob.waitForReplies(bobIDs)
            try bob.waitUntil("\(count) messages from alice") { $0.received(from: alice.did).count >= count }
            try alice.waitUntil("\(count) messages from bob") { $0.received(from: bob.did).count >= count }
            #expect(bob.received(from: alice.did) == (0..<count).map { "a\($0)" })
            #expect(alice.received(from: bob.did) == (0..<count).map { "b\($0)" })
            // And every one was acknowledged by a delivery receipt.
            try alice.waitUntil("delivered statuses") { $0.statuses(of: "delivered").count >= count }
            try bob.waitUntil("delivered statuses") { $0.statuses(of: "delivered").count >= count }
            #expect(Set(alice.statuses(of: "delivered")).count == count)
        }
    }

    @Test func theReceiverRestartedMidStreamMissesNothing() async throws {
        try await offThePool {
            let (alice, bob) = try Pair.connected()
            defer { alice.stop(); bob.stop() }
            let texts = (0..<300).map { "m\($0)" }
            let ids = alice.pipelineSends(to: bob.did, texts: texts)
            try bob.waitUntil("the first messages") { $0.received(from: alice.did).count >= 50 }
            let restarted = try bob.restart()
            // Everything the first process reported, up to its clean exit.
            let before = bob.received(from: alice.did)
            #expect(before.count < texts.count, "the restart came after everything arrived; the test proved nothing")
            defer { restarted.stop() }
            try alice.waitForReplies(ids)
            do {
                try restarted.waitUntil("the rest") { before.count + $0.received(from: alice.did).count >= texts.count }
            } catch {
                // The sender's side of the story: its outbox and connection log.
                throw DeliveryTestError(description: "\(error); alice's stderr: \(alice.engine.standardError.suffix(8000))")
            }
            let all = before + restarted.received(from: alice.did)
            #expect(all == texts)
        }
    }

    @Test func theSenderKilledMidStreamLosesNothingItAccepted() async throws {
        try await offThePool {
            let (alice, bob) = try Pair.connected()
            defer { alice.stop(); bob.stop() }
            // Bob is away while alice writes: all 300 are accepted and queued.
            bob.stop()
            let texts = (0..<300).map { "k\($0)" }
            let ids = alice.pipelineSends(to: bob.did, texts: texts)
            try alice.waitForReplies(ids)
            #expect(ids.allSatisfy { alice.replies[$0]?["result"]?["status"]?.stringValue == "queued" })
            // Bob returns (and dials alice); alice is killed while her outbox drains.
            let returned = try bob.restart(expectingExit: false)
            defer { returned.stop() }
            try returned.waitUntil("the first messages") { $0.received(from: alice.did).count >= 60 }
            alice.kill()
            let atKill = returned.received(from: alice.did).count
            let revived = try alice.restart(expectingExit: false)
            defer { revived.stop() }
            try returned.waitUntil("every message") { Set($0.received(from: alice.did)).count >= texts.count }
            let received = returned.received(from: alice.did)
            #expect(atKill < texts.count, "the kill came after everything was sent; the test proved nothing")
            #expect(received == texts, "lost, repeated or reordered")
        }
    }
}

/// Runs blocking work on its own thread, off Swift's small cooperative pool.
func offThePool(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

struct DeliveryTestError: Error, CustomStringConvertible {
    var description: String
}

/// One engine process with the bookkeeping a test needs: replies by id, notifications.
final class Peer: @unchecked Sendable {
    let name: String
    let directory: URL
    let arguments: [String]
    let engine: EngineProcess
    private(set) var did = ""
    private(set) var address = ""
    private var nextID = 1
    private(set) var replies: [Int64: JSON] = [:]
    private(set) var notifications: [JSON] = []

    let namespace: String?

    init(name: String, directory: URL, arguments: [String], namespace: String? = nil) throws {
        self.name = name
        self.directory = directory
        self.arguments = arguments
        self.namespace = namespace
        engine = try EngineProcess(arguments: ["--data-dir", directory.path] + arguments, namespace: namespace)
    }

    /// Sends a request and waits for its reply (notifications read meanwhile are kept).
    @discardableResult
    func call(_ method: String, _ params: JSONObject = [:], timeout: TimeInterval = 60) throws -> JSON {
        let id = send(method, params)
        try waitForReplies([id], timeout: timeout)
        let reply = replies[id]!
        guard let result = reply["result"] else {
            throw DeliveryTestError(description: "\(name) \(method): \(reply.compactString)")
        }
        return result
    }

    /// The error code a request is answered with (nil when it succeeds).
    func errorCode(_ method: String, _ params: JSONObject = [:]) throws -> Int64? {
        let id = send(method, params)
        try waitForReplies([id])
        return replies[id]?["error"]?["code"]?.intValue
    }

    func send(_ method: String, _ params: JSONObject) -> Int64 {
        let id = Int64(nextID)
        nextID += 1
        engine.send(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": .object(params)])
        return id
    }

    /// Writes one `messages.send` per text without waiting; returns the request ids.
    func pipelineSends(to did: String, texts: [String]) -> [Int64] {
        texts.map { send("messages.send", ["conversation": .string(did), "text": .string($0)]) }
    }

    func waitForReplies(_ ids: [Int64], timeout: TimeInterval = 180) throws {
        try waitUntil("replies", timeout: timeout) { peer in ids.allSatisfy { peer.replies[$0] != nil } }
    }

    /// Reads frames until `condition` holds.
    /// `polling`: the condition depends on more than this engine's frames (a process list), so
    /// it is checked again at least that often, not only when a frame arrives.
    func waitUntil(
        _ what: String, timeout: TimeInterval = 180, polling: TimeInterval? = nil, _ condition: (Peer) -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(self) {
            let left = deadline.timeIntervalSinceNow
            let frame = left > 0 ? engine.next(timeout: min(left, polling ?? left)) : nil
            guard let frame else {
                if polling != nil, deadline.timeIntervalSinceNow > 0, !engine.isOutputClosed { continue }
                throw DeliveryTestError(description: "\(name): no \(what) within \(Int(timeout)) s; stderr: \(engine.standardError.suffix(6000))")
            }
            if let id = frame.json["id"]?.intValue {
                replies[id] = frame.json
            } else {
                notifications.append(frame.json)
            }
        }
    }

    /// The texts of `message.received` from `did`, in arrival order.
    func received(from did: String) -> [String] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == "message.received", let message = n["params"]?["message"],
                message["from"]?.stringValue == did
            else { return nil }
            return message["text"]?.stringValue
        }
    }

    /// The ids of `message.status` notifications with this status.
    func statuses(of status: String) -> [String] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == "message.status", n["params"]?["status"]?.stringValue == status else { return nil }
            return n["params"]?["id"]?.stringValue
        }
    }

    func createIdentity() throws {
        let created = try call("identity.create", ["username": .string(name)])
        did = created["did"]?.stringValue ?? ""
        let status = try call("node.status")
        address = status["listenAddrs"]?.arrayValue?.first?.stringValue ?? ""
    }

    /// Ends input, waits for a clean exit, and starts a new process on the same data directory.
    func restart(expectingExit: Bool = true) throws -> Peer {
        if expectingExit {
            engine.closeInput()
            readToEnd()
            guard engine.waitForExit(timeout: 60) == 0 else {
                throw DeliveryTestError(description: "\(name) did not exit cleanly: \(engine.standardError.suffix(2000))")
            }
        }
        let next = try Peer(name: name, directory: directory, arguments: arguments, namespace: namespace)
        next.did = did
        return next
    }

    /// Reads every frame left until the process closes its output.
    func readToEnd() {
        while let frame = engine.next(timeout: 60) {
            if let id = frame.json["id"]?.intValue { replies[id] = frame.json } else { notifications.append(frame.json) }
        }
    }

    func kill() {
        engine.signal(SIGKILL)
        _ = engine.waitForExit(timeout: 60)
    }

    func stop() {
        engine.closeInput()
        if engine.waitForExit(timeout: 30) == nil { kill() }
    }
}

/// Two engines that know each other: each added the other by DID and address.
enum Pair {
    static func connected() throws -> (Peer, Peer) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-delivery-\(UUID().uuidString)")
        // Fixed ports, so a restarted engine is found at the address its contact stored.
        let alice = try Peer(
            name: "alice", directory: root.appendingPathComponent("alice"),
            arguments: ["--listen", "/ip4/127.0.0.1/tcp/\(try freePort())", "--log-level", "info"])
        let bob = try Peer(
            name: "bob", directory: root.appendingPathComponent("bob"),
            arguments: ["--listen", "/ip4/127.0.0.1/tcp/\(try freePort())", "--log-level", "info"])
        try alice.createIdentity()
        try bob.createIdentity()
        try alice.call("contacts.add", ["did": .string(bob.did), "multiaddr": .string(bob.address)])
        try bob.call("contacts.add", ["did": .string(alice.did), "multiaddr": .string(alice.address)])
        return (alice, bob)
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick, released).
func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw DeliveryTestError(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw DeliveryTestError(description: "bind() failed") }
    return UInt16(bigEndian: address.sin_port)
}

/// Usernames in the DHT between real engines: alice and bob know only carol; alice claims a
/// name, bob resolves it through carol, adds alice by name and writes to @alice.
@Suite(.serialized) struct UsernameTests {
    @Test func aNameRegisteredOnOneResolvesOnAnotherThroughAThird() async throws {
        try await offThePool {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-names-\(UUID().uuidString)")
            let listen = ["--listen", "/ip4/127.0.0.1/tcp/0"]
            let carol = try Peer(name: "carol", directory: root.appendingPathComponent("carol"), arguments: listen)
            let alice = try Peer(name: "alice", directory: root.appendingPathComponent("alice"), arguments: listen)
            let bob = try Peer(name: "bob", directory: root.appendingPathComponent("bob"), arguments: listen)
            defer { carol.stop(); alice.stop(); bob.stop() }
            for peer in [carol, alice, bob] { try peer.createIdentity() }
            try alice.call("node.connect", ["multiaddr": .string(carol.address)])
            try bob.call("node.connect", ["multiaddr": .string(carol.address)])

            let registered = try alice.call("username.register", ["name": "Alice"])
            #expect(registered["name"] == "alice")
            #expect(registered["did"]?.stringValue == alice.did)
            // Taken: another DID cannot have it; the holder may renew it.
            #expect(try carol.errorCode("username.register", ["name": "alice"]) == -32005)
            #expect(try alice.call("username.register", ["name": "@alice"])["did"]?.stringValue == alice.did)

            let resolved = try bob.call("username.resolve", ["name": "@ALICE"])
            #expect(resolved["did"]?.stringValue == alice.did)
            #expect(resolved["peerIds"]?.arrayValue?.count == 1)
            #expect(try bob.errorCode("username.resolve", ["name": "nobody_here"]) == -32002)
            #expect(try bob.errorCode("username.resolve", ["name": "ａlice"]) == -32602)  // a look-alike letter

            let contact = try bob.call("contacts.add", ["username": "@alice"])
            #expect(contact["contact"]?["did"]?.stringValue == alice.did)
            try bob.call("messages.send", ["conversation": "@alice", "text": "found you by name"])
            try alice.waitUntil("the message") { $0.received(from: bob.did) == ["found you by name"] }
            // Wherever a method takes a person, @name works too.
            let byDID = try bob.call("contacts.fingerprint", ["did": .string(alice.did)])
            #expect(try bob.call("contacts.fingerprint", ["did": "@alice"]) == byDID)
            #expect(try bob.call("presence.get", ["did": "@Alice"])["did"]?.stringValue == alice.did)
            #expect(try bob.call("messages.list", ["conversation": "@alice"])["messages"]?.arrayValue?.count == 1)
            try bob.call("conversations.setTimer", ["conversation": "@alice", "seconds": 3600])
            try bob.call("typing.set", ["conversation": "@alice", "active": true])
            try bob.call("contacts.block", ["did": "@alice"])
            try bob.call("contacts.unblock", ["did": "@alice"])
            #expect(try bob.errorCode("contacts.fingerprint", ["did": "@nobody_here"]) == -32002)
            #expect(try bob.errorCode("contacts.fingerprint", ["did": "alice"]) == -32602)
        }
    }

    /// Twelve engines in a chain (each connected to the two before it); the first registers
    /// a name; a thirteenth joins later, connected to the last one only, and resolves the name
    /// through the DHT without ever having been connected to its holder; then writes to
    /// `@faraway` without adding it first.
    @Test func aNameResolvesAcrossTwelveEnginesWithoutADirectConnection() async throws {
        try await offThePool {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-twelve-\(UUID().uuidString)")
            let listen = ["--listen", "/ip4/127.0.0.1/tcp/0"]
            var chain: [Peer] = []
            defer { chain.forEach { $0.stop() } }
            for index in 0..<12 {
                let peer = try Peer(name: "e\(index)", directory: root.appendingPathComponent("e\(index)"), arguments: listen)
                chain.append(peer)
                try peer.createIdentity()
                for back in [1, 2] where index - back >= 0 {
                    try peer.call("node.connect", ["multiaddr": .string(chain[index - back].address)])
                }
            }
            try chain[0].call("username.register", ["name": "faraway"])
            let holderPeer = try chain[0].call("node.status")["peerId"]?.stringValue ?? ""

            let late = try Peer(name: "late", directory: root.appendingPathComponent("late"), arguments: listen)
            defer { late.stop() }
            try late.createIdentity()
            try late.call("node.connect", ["multiaddr": .string(chain[11].address)])
            let before = (try late.call("node.peers")["peers"]?.arrayValue ?? []).compactMap { $0["peerId"]?.stringValue }
            #expect(!before.contains(holderPeer))
            let resolved = try late.call("username.resolve", ["name": "faraway"])
            #expect(resolved["did"]?.stringValue == chain[0].did)
            // Not a contact yet: messages.send to @name looks the name up and adds them.
            try late.call("messages.send", ["conversation": "@faraway", "text": "found you through eleven others"])
            try chain[0].waitUntil("the message") { $0.received(from: late.did) == ["found you through eleven others"] }
        }
    }

    /// Identity records in the DHT: alice and bob know only carol; bob adds alice by her DID
    /// alone (no address, never met): her record and addresses come from the DHT.
    @Test func aContactAddedByDIDAloneIsFoundThroughTheDHT() async throws {
        try await offThePool {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-directory-\(UUID().uuidString)")
            let listen = ["--listen", "/ip4/127.0.0.1/tcp/0"]
            let carol = try Peer(name: "carol", directory: root.appendingPathComponent("carol"), arguments: listen)
            let alice = try Peer(name: "alice", directory: root.appendingPathComponent("alice"), arguments: listen)
            let bob = try Peer(name: "bob", directory: root.appendingPathComponent("bob"), arguments: listen)
            defer { carol.stop(); alice.stop(); bob.stop() }
            for peer in [carol, alice, bob] { try peer.createIdentity() }
            try alice.call("node.connect", ["multiaddr": .string(carol.address)])
            try bob.call("node.connect", ["multiaddr": .string(carol.address)])
            // alice's record reaches the DHT once her routing table holds carol; bob retries
            // until it is there (bounded).
            var added: JSON?
            for _ in 0..<50 {
                added = try? bob.call("contacts.add", ["did": .string(alice.did)])
                if added?["contact"]?["peerIds"]?.arrayValue?.isEmpty == false { break }
                try? bob.waitUntil("a moment", timeout: 0.2) { _ in false }
            }
            #expect(added?["contact"]?["peerIds"]?.arrayValue?.isEmpty == false)
            try bob.call("messages.send", ["conversation": .string(alice.did), "text": "found by DID"])
            try alice.waitUntil("the message") { $0.received(from: bob.did) == ["found by DID"] }
        }
    }

    /// `p2p.bootstrap`: bob starts knowing only carol's address from his configuration and
    /// resolves a name alice registered through carol; restarted without that setting, he
    /// still finds the network from the routing table he saved when he closed.
    @Test func bootstrapPeersFromConfigurationAndASavedRoutingTable() async throws {
        try await offThePool {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-bootstrap-\(UUID().uuidString)")
            let listen = ["--listen", "/ip4/127.0.0.1/tcp/0"]
            let carol = try Peer(name: "carol", directory: root.appendingPathComponent("carol"), arguments: listen)
            let alice = try Peer(name: "alice", directory: root.appendingPathComponent("alice"), arguments: listen)
            defer { carol.stop(); alice.stop() }
            for peer in [carol, alice] { try peer.createIdentity() }
            try alice.call("node.connect", ["multiaddr": .string(carol.address)])
            try alice.call("username.register", ["name": "boot_alice"])
            let carolPeer = try carol.call("node.status")["peerId"]?.stringValue ?? ""

            let bobDirectory = root.appendingPathComponent("bob")
            try FileManager.default.createDirectory(at: bobDirectory, withIntermediateDirectories: true)
            let config = bobDirectory.appendingPathComponent("config.yaml")
            try "p2p:\n  bootstrap: [\"\(carol.address)/p2p/\(carolPeer)\"]\n".write(to: config, atomically: true, encoding: .utf8)
            var bob = try Peer(name: "bob", directory: bobDirectory, arguments: listen)
            defer { bob.stop() }
            try bob.createIdentity()
            var resolved: JSON?
            for _ in 0..<50 where resolved == nil {
                resolved = try? bob.call("username.resolve", ["name": "boot_alice"])
                if resolved == nil { try? bob.waitUntil("a moment", timeout: 0.2) { _ in false } }
            }
            #expect(resolved?["did"]?.stringValue == alice.did)

            try FileManager.default.removeItem(at: config)
            bob = try bob.restart()
            try alice.call("username.register", ["name": "boot_again"])
            var again: JSON?
            for _ in 0..<50 where again == nil {
                again = try? bob.call("username.resolve", ["name": "boot_again"])
                if again == nil { try? bob.waitUntil("a moment", timeout: 0.2) { _ in false } }
            }
            #expect(again?["did"]?.stringValue == alice.did)
        }
    }
}
