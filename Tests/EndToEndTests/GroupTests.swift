import Foundation
import Testing
import VarianceRPC

/// Groups between real engine processes: MLS over GossipSub, Welcomes over Olm, receipts,
/// removal and leaving, a race of two commits in one epoch, and a member that was away
/// during commits and messages.
@Suite(.serialized) struct GroupTests {
    @Test func threeEnginesTalkInAGroupWithReceipts() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob", "carol"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob, carol) = (peers[0], peers[1], peers[2])
            let created = try alice.call(
                "groups.create", ["name": "Hikers", "members": .array([.string(bob.did), .string(carol.did)])])
            let group = try #require(created["groupId"]?.stringValue)
            for peer in [bob, carol] {
                try peer.waitUntil("the Welcome") { $0.groupChanges(group).contains("joined") }
            }
            try Circle.waitForSameEpoch(peers, group)
            let sent = try alice.call("messages.send", ["conversation": .string(group), "text": "hello all"])
            for peer in [bob, carol] {
                try peer.waitUntil("alice's text") { $0.received(in: group, from: alice.did) == ["hello all"] }
            }
            try bob.call("messages.send", ["conversation": .string(group), "text": "hi alice"])
            try alice.waitUntil("bob's text") { $0.received(in: group, from: bob.did) == ["hi alice"] }
            try carol.waitUntil("bob's text") { $0.received(in: group, from: bob.did) == ["hi alice"] }
            // Delivered once both other members have it; read once both have read it.
            let id = try #require(sent["id"]?.stringValue)
            try alice.waitUntil("delivered") { $0.statuses(of: "delivered").contains(id) }
            try bob.call("messages.markRead", ["conversation": .string(group), "upTo": .string(id)])
            try carol.call("messages.markRead", ["conversation": .string(group), "upTo": .string(id)])
            try alice.waitUntil("read") { $0.statuses(of: "read").contains(id) }
            let members = try carol.call("groups.members", ["groupId": .string(group)])["members"]?.arrayValue ?? []
            #expect(Set(members.compactMap { $0["did"]?.stringValue }) == Set(peers.map(\.did)))
            #expect(members.first?["self"]?.boolValue == true)
            let conversations = try bob.call("conversations.list")["conversations"]?.arrayValue ?? []
            #expect(conversations.contains { $0["id"]?.stringValue == group && $0["kind"]?.stringValue == "group" && $0["title"]?.stringValue == "Hikers" })
            let history = try carol.call("messages.list", ["conversation": .string(group)])["messages"]?.arrayValue ?? []
            #expect(history.compactMap { $0["text"]?.stringValue } == ["hi alice", "hello all"])
        }
    }

    @Test func aRemovedMemberCannotSendAndALeaverIsRemovedByTheOthers() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob", "carol"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob, carol) = (peers[0], peers[1], peers[2])
            let group = try Circle.group(of: peers, name: "Book club")
            try alice.call("groups.remove", ["groupId": .string(group), "member": .string(carol.did)])
            try carol.waitUntil("her removal") { $0.groupChanges(group).contains("removed") }
            #expect(try carol.errorCode("messages.send", ["conversation": .string(group), "text": "still here?"]) == -32005)
            try Circle.waitForSameEpoch([alice, bob], group)
            try alice.call("messages.send", ["conversation": .string(group), "text": "just us"])
            try bob.waitUntil("alice's text") { $0.received(in: group, from: alice.did) == ["just us"] }
            // Bob leaves: alice commits his removal.
            try bob.call("groups.leave", ["groupId": .string(group)])
            try alice.waitUntil("bob gone") { peer in
                peer.groupList()[group]?["members"]?.arrayValue?.compactMap(\.stringValue) == [alice.did]
            }
            #expect(bob.groupList()[group]?["active"]?.boolValue == false)
            #expect(try alice.errorCode("groups.remove", ["groupId": .string(group), "member": .string(carol.did)]) == -32002)
            #expect(try alice.errorCode("groups.members", ["groupId": "00000000000000000000000000000000"]) == -32002)
            #expect(try alice.errorCode("groups.invite", ["groupId": "nope", "member": .string(bob.did)]) == -32602)
        }
    }

    /// Alice and bob each add someone in the same epoch while the network between them is
    /// cut (alice and dave on one side, bob, carol and erin on the other). When it heals,
    /// the commit with the lower hash wins everywhere, the loser adds its newcomer again,
    /// and all five end in one epoch with one exporter value.
    @Test func twoCommitsRacedInOneEpochConverge() async throws {
        try await offThePool {
            let suffix = String(UInt32.random(in: 0..<100_000))
            try LAN.script("down", suffix)
            try LAN.script("up", suffix)
            defer { try? LAN.script("down", suffix) }
            let sides = ["alice": ("lanA", "192.168.77.2"), "dave": ("lanA", "192.168.77.2"),
                         "bob": ("lanB", "192.168.77.3"), "carol": ("lanB", "192.168.77.3"), "erin": ("lanB", "192.168.77.3")]
            let names = ["alice", "bob", "carol", "dave", "erin"]
            let peers = try Circle.of(names) { name in
                let (namespace, ip) = sides[name]!
                return (namespace + suffix, "/ip4/\(ip)/tcp/\(try freePort())")
            }
            defer { peers.forEach { $0.stop() } }
            let (alice, bob, carol, dave, erin) = (peers[0], peers[1], peers[2], peers[3], peers[4])
            let group = try Circle.group(of: [alice, bob, carol], name: "Race")
            let before = try #require(alice.groupList()[group]?["epoch"]?.intValue)
            // Cut the bridge port of alice's side.
            #expect(try NetworkNamespaces.run("/sbin/ip", ["-n", "lanBr\(suffix)", "link", "set", "bA\(suffix)", "down"]) == 0)
            try alice.call("groups.invite", ["groupId": .string(group), "member": .string(dave.did)])
            try bob.call("groups.invite", ["groupId": .string(group), "member": .string(erin.did)])
            #expect(alice.groupList()[group]?["epoch"]?.intValue == before + 1)
            #expect(bob.groupList()[group]?["epoch"]?.intValue == before + 1)
            #expect(alice.groupList()[group]?["epochFingerprint"] != bob.groupList()[group]?["epochFingerprint"])
            #expect(try NetworkNamespaces.run("/sbin/ip", ["-n", "lanBr\(suffix)", "link", "set", "bA\(suffix)", "up"]) == 0)
            try Circle.waitForSameEpoch(peers, group, members: 5, timeout: 240)
            #expect(alice.groupList()[group]?["epoch"]?.intValue == before + 2)
            // And the group works for everyone.
            try erin.call("messages.send", ["conversation": .string(group), "text": "made it"])
            for peer in [alice, bob, carol, dave] {
                try peer.waitUntil("erin's text") { $0.received(in: group, from: erin.did) == ["made it"] }
            }
        }
    }

    /// Five members; erin is away while two commits and 50 messages happen. When she is
    /// back she has every message exactly once, in the same epoch as the others.
    @Test func aMemberAwayDuringCommitsAndMessagesCatchesUp() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob", "carol", "dave", "erin"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob, carol, dave, erin) = (peers[0], peers[1], peers[2], peers[3], peers[4])
            let group = try Circle.group(of: peers, name: "Five")
            erin.stop()
            var expected: [String] = []
            func say(_ peer: Peer, _ count: Int, _ tag: String) throws {
                let texts = (0..<count).map { "\(tag)\($0)" }
                let ids = texts.map { peer.send("messages.send", ["conversation": .string(group), "text": .string($0)]) }
                try peer.waitForReplies(ids)
                expected += texts
            }
            try say(alice, 10, "a")
            try say(bob, 10, "b")
            try alice.call("groups.remove", ["groupId": .string(group), "member": .string(dave.did)])
            try dave.waitUntil("his removal") { $0.groupChanges(group).contains("removed") }
            try Circle.waitForSameEpoch([alice, bob, carol], group, members: 4)
            try say(carol, 15, "c")
            try bob.call("groups.invite", ["groupId": .string(group), "member": .string(dave.did)])
            try say(alice, 15, "d")
            try Circle.waitForSameEpoch([alice, bob, carol, dave], group, members: 5)
            // Every message reached carol (a witness that all were out before erin returns).
            let others = Set(expected.filter { !$0.hasPrefix("c") })
            do {
                try carol.waitUntil("all texts", timeout: 60) { peer in others.isSubset(of: peer.receivedTexts(in: group)) }
            } catch {
                Issue.record("carol misses: \(others.subtracting(carol.receivedTexts(in: group)).sorted())")
                for peer in peers { try? peer.engine.standardError.write(toFile: "/tmp/grp-\(peer.name).log", atomically: true, encoding: .utf8) }
                throw error
            }
            let back = try erin.restart(expectingExit: false)
            defer { back.stop() }
            do {
                try back.waitUntil("every text", timeout: 240) { peer in Set(peer.receivedTexts(in: group)) == Set(expected) }
            } catch {
                Issue.record("missing: \(Set(expected).subtracting(back.receivedTexts(in: group)).sorted())")
                try? back.engine.standardError.write(toFile: "/tmp/erin-stderr.log", atomically: true, encoding: .utf8)
                throw error
            }
            #expect(back.receivedTexts(in: group).count == expected.count)
            try Circle.waitForSameEpoch([alice, bob, carol, dave, back], group, members: 5)
            let history = try back.call("messages.list", ["conversation": .string(group), "limit": 100])["messages"]?.arrayValue ?? []
            #expect(history.count == expected.count)
        }
    }
}

extension Peer {
    /// The changes of `group.changed` notifications for a group, in order.
    func groupChanges(_ group: String) -> [String] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == "group.changed", n["params"]?["groupId"]?.stringValue == group else { return nil }
            return n["params"]?["change"]?.stringValue
        }
    }

    /// The texts received in a group from `did`, in arrival order.
    func received(in group: String, from did: String) -> [String] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == "message.received", n["params"]?["conversation"]?.stringValue == group,
                let message = n["params"]?["message"], message["from"]?.stringValue == did
            else { return nil }
            return message["text"]?.stringValue
        }
    }

    /// Every text received in a group, in arrival order.
    func receivedTexts(in group: String) -> [String] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == "message.received", n["params"]?["conversation"]?.stringValue == group else {
                return nil
            }
            return n["params"]?["message"]?["text"]?.stringValue
        }
    }

    /// `groups.list` by group id (empty when the call fails).
    func groupList() -> [String: JSON] {
        guard let groups = try? call("groups.list")["groups"]?.arrayValue else { return [:] }
        var result: [String: JSON] = [:]
        for group in groups { if let id = group["groupId"]?.stringValue { result[id] = group } }
        return result
    }
}

/// Engines that all know each other (each added every other by DID and address).
enum Circle {
    static func of(
        _ names: [String], placement: ((String) throws -> (namespace: String?, listen: String))? = nil,
        configure: ((URL) throws -> Void)? = nil
    ) throws -> [Peer] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-groups-\(UUID().uuidString)")
        var peers: [Peer] = []
        for name in names {
            let (namespace, listen) = try placement?(name) ?? (nil, "/ip4/127.0.0.1/tcp/\(try freePort())")
            let directory = root.appendingPathComponent(name)
            if let configure {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try configure(directory)
            }
            let peer = try Peer(
                name: name, directory: directory, arguments: ["--listen", listen], namespace: namespace)
            try peer.createIdentity()
            peers.append(peer)
        }
        for peer in peers {
            for other in peers where other !== peer {
                try peer.call("contacts.add", ["did": .string(other.did), "multiaddr": .string(other.address)])
            }
        }
        return peers
    }

    /// A group created by the first peer with all the others, once everyone joined.
    static func group(of peers: [Peer], name: String) throws -> String {
        let created = try peers[0].call(
            "groups.create", ["name": .string(name), "members": .array(peers.dropFirst().map { .string($0.did) })])
        guard let group = created["groupId"]?.stringValue else { throw DeliveryTestError(description: "no groupId") }
        for peer in peers.dropFirst() {
            try peer.waitUntil("the Welcome") { $0.groupChanges(group).contains("joined") }
        }
        try waitForSameEpoch(peers, group, members: peers.count)
        return group
    }

    /// Waits until every peer lists the group with the same epoch, exporter value and
    /// member count.
    static func waitForSameEpoch(_ peers: [Peer], _ group: String, members: Int? = nil, timeout: TimeInterval = 120) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let states = peers.map { $0.groupList()[group] }
            let fingerprints = Set(states.map { $0?["epochFingerprint"]?.stringValue ?? "?" })
            let counts = Set(states.map { $0?["members"]?.arrayValue?.count ?? -1 })
            if fingerprints.count == 1, !fingerprints.contains("?"), counts.count == 1, members.map({ counts.contains($0) }) ?? true {
                return
            }
            guard Date() < deadline else {
                let summary = zip(peers, states).map { "\($0.name): epoch \($1?["epoch"]?.intValue ?? -1) members \($1?["members"]?.arrayValue?.count ?? -1)" }
                throw DeliveryTestError(description: "no common epoch: \(summary.joined(separator: "; ")); stderr of \(peers[0].name): \(peers[0].engine.standardError.suffix(3000))")
            }
            // Polling an RPC with a pause between rounds (the state is read, not awaited as an event).
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
