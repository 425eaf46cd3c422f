import Foundation
import Testing
import VarianceRPC

/// Real NATs: alice and bob each behind a masquerading router in network namespaces, the
/// relay on the "public" side (scripts/netns-nat.sh draws the topology). Needs root (or
/// CAP_NET_ADMIN); where namespaces are refused the suite is skipped and says so.
@Suite(.serialized, .enabled(if: NetworkNamespaces.available, "network namespaces are not allowed here (needs root): NAT tests skipped"))
struct NATTests {
    /// (a) Two NATed engines talk through the relay circuit.
    @Test func twoNATedEnginesTalkThroughTheRelay() async throws {
        try await offThePool {
            try NATWorld.run { world in
                let (alice, bob) = try world.engines()
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string("hello across two NATs")])
                try bob.waitUntil("alice's message") { $0.received(from: alice.did) == ["hello across two NATs"] }
                try bob.call("messages.send", ["conversation": .string(alice.did), "text": .string("hello back")])
                try alice.waitUntil("bob's reply") { $0.received(from: bob.did) == ["hello back"] }
                // Neither can reach the other's private address: the connection is a circuit.
                let peers = try alice.call("node.peers")["peers"]?.arrayValue ?? []
                let toBob = peers.first { $0["addrs"]?.arrayValue?.contains { $0.stringValue?.contains("/p2p-circuit") == true } == true }
                #expect(toBob != nil)
                // AutoNAT: the relay could not dial alice back through her NAT.
                try alice.waitForNAT("private")
            }
        }
    }

    /// (b) DCUtR: the relayed connection between the two NATed engines is upgraded to a
    /// direct one (both NATs here are Linux masquerade, which keeps ports and lets a TCP
    /// simultaneous open through); the test reports which kind of connection they end with.
    @Test func holePunchingGivesADirectConnection() async throws {
        try await offThePool {
            try NATWorld.run { world in
                let (alice, bob) = try world.engines()
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                let bobPeer = try bob.call("node.status")["peerId"]?.stringValue ?? ""
                func kinds() throws -> [String] {
                    let peers = try alice.call("node.peers")["peers"]?.arrayValue ?? []
                    let toBob = peers.first { $0["peerId"]?.stringValue == bobPeer }
                    return (toBob?["addrs"]?.arrayValue ?? []).compactMap(\.stringValue)
                        .map { $0.contains("/p2p-circuit") ? "relayed" : "direct" }
                }
                let deadline = Date().addingTimeInterval(45)
                var seen = try kinds()
                while !seen.contains("direct"), Date() < deadline {
                    try? alice.waitUntil("a connectivity change", timeout: 1) { _ in false }
                    seen = try kinds()
                }
                print("NATTests: alice ↔ bob connections after DCUtR: \(seen)")
                if !seen.contains("direct") {
                    for (name, peer) in [("alice", alice), ("bob", bob)] {
                        let lines = peer.engine.standardError.split(separator: "\n").filter { $0.lowercased().contains("hole") || $0.contains("dcutr") }
                        print("NATTests \(name):\n" + lines.suffix(20).joined(separator: "\n"))
                    }
                }
                #expect(seen.contains("direct"))
                // And messages still flow, now over the direct connection.
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string("direct now")])
                try bob.waitUntil("the message") { $0.received(from: alice.did).contains("direct now") }
            }
        }
    }

    /// (c) bob is down while alice sends 200 messages; when he is back every one arrives
    /// exactly once, in order.
    @Test func twoHundredMessagesSentWhileTheReceiverIsDownArriveOnceInOrder() async throws {
        try await offThePool {
            try NATWorld.run { world in
                var (alice, bob) = try world.engines()
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string("before")])
                try bob.waitUntil("the first message") { $0.received(from: alice.did) == ["before"] }
                bob.stop()
                let texts = (0..<200).map { "offline \($0)" }
                try alice.waitForReplies(alice.pipelineSends(to: bob.did, texts: texts))
                bob = try bob.restart(expectingExit: false)
                try bob.waitUntil("200 messages", timeout: 240) { $0.received(from: alice.did).count >= 200 }
                #expect(bob.received(from: alice.did) == texts)
            }
        }
    }

    /// (d) The relay is killed and restarted (same key and port) while alice keeps writing
    /// to bob across the two NATs: nothing is lost, nothing arrives twice, order holds.
    @Test func aRelayRestartedBetweenTwoNATsLosesNothing() async throws {
        try await offThePool {
            try NATWorld.run(holePunching: false) { world in
                let (alice, bob) = try world.engines()
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                let texts = (0..<40).map { "n\($0)" }
                try alice.waitForReplies(alice.pipelineSends(to: bob.did, texts: Array(texts[..<20])))
                try bob.waitUntil("the first 20", timeout: 120) { $0.received(from: alice.did).count >= 20 }
                let relay = try world.relay.restart()
                defer { relay.stop() }
                try alice.waitForReplies(alice.pipelineSends(to: bob.did, texts: Array(texts[20...])))
                try bob.waitUntil("all 40", timeout: 180) { $0.received(from: alice.did).count >= 40 }
                #expect(bob.received(from: alice.did) == texts)
            }
        }
    }

    /// (e) Two relays on the public side; bob holds a reservation on both; the one alice
    /// reached him through is killed; her next message goes through the other.
    @Test func whenOneOfTwoRelaysDiesTheOtherCarriesTheConversationAcrossNATs() async throws {
        try await offThePool {
            try NATWorld.run(holePunching: false) { world in
                let second = try RelayProcess(
                    directory: world.root.appendingPathComponent("relay2"), port: 4003,
                    config: "autonat:\n  dial_scope: private\n", namespace: "pub\(world.suffix)", host: "172.31.100.1")
                defer { second.stop() }
                let (alice, bob) = try world.engines(relays: [world.relay, second])
                defer { alice.stop(); bob.stop() }
                try bob.waitForRelays(2)
                try world.introduce(alice, to: bob)
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string("one")])
                try bob.waitUntil("the first message") { $0.received(from: alice.did) == ["one"] }
                let peers = try alice.call("node.peers")["peers"]?.arrayValue ?? []
                let circuit = peers.compactMap { $0["addrs"]?.arrayValue?.first?.stringValue }.first { $0.contains("/p2p-circuit") } ?? ""
                let dead = circuit.contains(second.peerID) ? second : world.relay
                dead.kill()
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string("two")])
                try bob.waitUntil("the second message", timeout: 60) { $0.received(from: alice.did) == ["one", "two"] }
            }
        }
    }
}

/// One NAT topology for one test: namespaces, a relay in the public one, engines behind.
struct NATWorld {
    let suffix: String
    let root: URL
    let relay: RelayProcess
    var holePunching = true

    /// With `holePunching` false the engines offer only public addresses to DCUtR, so in
    /// this private test network they stay on the relay circuit (what (d) and (e) test).
    static func run(holePunching: Bool = true, _ body: (NATWorld) throws -> Void) throws {
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        try NetworkNamespaces.script("up", suffix)
        defer { try? NetworkNamespaces.script("down", suffix) }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-nat-\(suffix)")
        let relay = try RelayProcess(
            directory: root.appendingPathComponent("relay"), port: 4001,
            config: "autonat:\n  dial_scope: private\n", namespace: "pub\(suffix)", host: "172.31.100.1")
        defer { relay.stop() }
        try body(NATWorld(suffix: suffix, root: root, relay: relay, holePunching: holePunching))
    }

    /// alice and bob, each in its LAN, each reserving on the relay (or `relays`).
    func engines(relays: [RelayProcess]? = nil, extraConfig: String = "") throws -> (Peer, Peer) {
        let relays = relays ?? [relay]
        let punch = holePunching ? "  hole_punch_scope: private\n" : ""
        let alice = try Peer.behindRelay(
            name: "alice", root: root, relays: relays, arguments: ["--listen", "/ip4/10.0.1.2/tcp/4002", "--log-level", "info"],
            namespace: "alice\(suffix)", p2pSettings: punch, extraConfig: extraConfig)
        let bob = try Peer.behindRelay(
            name: "bob", root: root, relays: relays, arguments: ["--listen", "/ip4/10.0.2.2/tcp/4002", "--log-level", "info"],
            namespace: "bob\(suffix)", p2pSettings: punch, extraConfig: extraConfig)
        try alice.createIdentity()
        try bob.createIdentity()
        try alice.waitForRelays(relays.count)
        try bob.waitForRelays(relays.count)
        return (alice, bob)
    }

    /// alice adds bob from his invite (bob learns of alice when she first writes).
    func introduce(_ alice: Peer, to bob: Peer) throws {
        let link = try bob.call("contacts.invite")["link"]?.stringValue ?? ""
        try alice.call("contacts.add", ["invite": .string(link)], timeout: 90)
    }
}

/// Whether this machine lets us make network namespaces, and the script that does.
enum NetworkNamespaces {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "ip"

    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: ip),
            ["/usr/sbin/iptables", "/sbin/iptables"].contains(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return false }
        let name = "vprobe\(getpid())"
        guard (try? run(ip, ["netns", "add", name])) == 0 else { return false }
        _ = try? run(ip, ["netns", "del", name])
        return true
    }()

    static func script(_ action: String, _ suffix: String) throws {
        let path = Binaries.repositoryRoot.appendingPathComponent("scripts/netns-nat.sh").path
        let status = try run("/bin/bash", [path, action, suffix])
        guard status == 0 else { throw DeliveryTestError(description: "netns-nat.sh \(action) failed (\(status))") }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
