import Foundation
import Testing
import VarianceRPC

/// mDNS: two engines in network namespaces joined by a bridge (scripts/netns-lan.sh) find
/// each other with no configuration at all, then talk: alice adds bob by his DID alone (his
/// record comes from the DHT the two now form) and writes to him. Skipped, saying so, where
/// namespaces are refused.
@Suite(.serialized, .enabled(if: NetworkNamespaces.available, "network namespaces are not allowed here (needs root): mDNS test skipped"))
struct LANTests {
    @Test func twoEnginesOnOneLANFindEachOtherWithNoConfiguration() async throws {
        try await offThePool {
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()
            try LAN.script("up", suffix)
            defer { try? LAN.script("down", suffix) }
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-lan-\(suffix)")
            let alice = try Peer(
                name: "alice", directory: root.appendingPathComponent("alice"),
                arguments: ["--listen", "/ip4/192.168.77.2/tcp/4002"], namespace: "lanA\(suffix)")
            let bob = try Peer(
                name: "bob", directory: root.appendingPathComponent("bob"),
                arguments: ["--listen", "/ip4/192.168.77.3/tcp/4002"], namespace: "lanB\(suffix)")
            defer { alice.stop(); bob.stop() }
            try alice.createIdentity()
            try bob.createIdentity()
            let bobPeer = try bob.call("node.status")["peerId"]?.stringValue ?? ""
            let deadline = Date().addingTimeInterval(30)
            var found = false
            while !found, Date() < deadline {
                let peers = try alice.call("node.peers")["peers"]?.arrayValue ?? []
                found = peers.contains { $0["peerId"]?.stringValue == bobPeer }
                if !found { try? alice.waitUntil("a connectivity change", timeout: 0.5) { _ in false } }
            }
            #expect(found, "alice never found bob on the LAN")
            // Then the DHT of two carries bob's record: his DID is all alice needs.
            var added: JSON?
            for _ in 0..<50 {
                added = try? alice.call("contacts.add", ["did": .string(bob.did)])
                if added?["contact"]?["peerIds"]?.arrayValue?.isEmpty == false { break }
                try? alice.waitUntil("a moment", timeout: 0.2) { _ in false }
            }
            try alice.call("messages.send", ["conversation": .string(bob.did), "text": "hello, neighbour"])
            try bob.waitUntil("the message") { $0.received(from: alice.did) == ["hello, neighbour"] }
        }
    }
}

enum LAN {
    static func script(_ action: String, _ suffix: String) throws {
        let path = Binaries.repositoryRoot.appendingPathComponent("scripts/netns-lan.sh").path
        let status = try NetworkNamespaces.run("/bin/bash", [path, action, suffix])
        guard status == 0 else { throw DeliveryTestError(description: "netns-lan.sh \(action) failed (\(status))") }
    }
}
