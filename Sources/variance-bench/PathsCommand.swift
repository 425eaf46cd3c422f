// Message latency by path (issue 6's benchmark): `messages.send` on one engine to
// `message.received` on another, real `variance-engine` processes, (1) over a direct
// loopback connection, (2) through a `variance-relay` circuit (both engines listen nowhere
// and hold a reservation on the relay, so no direct connection and no hole punch is
// possible), and (3) left with the relay's offline store while the recipient is away, then
// fetched when he starts again. The direct and relayed messages alternate, one at a time,
// so that both see the same machine.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Foundation
import VarianceRPC

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Message latency between two engines: direct, through a variance-relay circuit, and via its offline store.")

    @Option(help: "The engine binary (default: variance-engine beside this program).")
    var engine: String?

    @Option(help: "The relay binary (default: variance-relay beside this program).")
    var relay: String?

    @Option(help: "Messages sent one at a time on each of the direct and relayed paths, alternating.")
    var messages = 300

    @Option(help: "Messages left with the relay while the recipient is away.")
    var away = 50

    @Option(help: "Rounds (fresh engines and relay each); medians are reported.")
    var rounds = 3

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func validate() throws {
        guard messages > 0, away > 0, rounds > 0 else {
            throw ValidationError("--messages, --away and --rounds must be at least 1")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let engineBinary = engine ?? (executableDirectory() + "/variance-engine")
        let relayBinary = relay ?? (executableDirectory() + "/variance-relay")
        var template = Array("/tmp/variance-bench-paths.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer { removeTree(work) }
        var rows: [PathsRound] = []
        for round in 0..<rounds {
            let row = try PathsRound.run(
                engine: engineBinary, relay: relayBinary, work: work + "/round\(round)", messages: messages, away: away)
            note("round \(round + 1): direct p50 \(ms(row.direct.p50)) ms, relayed p50 \(ms(row.relayed.p50)) ms (\(ratio(row.relayed.p50 / row.direct.p50))), offline first \(ms(row.offlineFirst)) ms, all \(away) \(ms(row.offlineLast)) ms")
            rows.append(row)
        }
        let directP50 = median(rows.map(\.direct.p50)), relayedP50 = median(rows.map(\.relayed.p50))
        let ratios = rows.map { $0.relayed.p50 / $0.direct.p50 }
        let result: JSON = [
            "bench": "paths", "messages": .int(Int64(messages)), "away": .int(Int64(away)), "rounds": .int(Int64(rounds)),
            "directP50Ms": .double(directP50), "directP99Ms": .double(median(rows.map(\.direct.p99))),
            "relayedP50Ms": .double(relayedP50), "relayedP99Ms": .double(median(rows.map(\.relayed.p99))),
            "ratioP50": .double(median(ratios)), "ratiosP50": .array(ratios.map { .double($0) }),
            "offlineFirstMs": .double(median(rows.map(\.offlineFirst))),
            "offlineAllMs": .double(median(rows.map(\.offlineLast))),
        ]
        if json {
            print(result.compactString)
            return
        }
        print("""
            message latency, messages.send → message.received (two engines, loopback), median of \(rounds) rounds
              direct:  p50 \(ms(directP50)) ms, p99 \(ms(median(rows.map(\.direct.p99)))) ms  (\(messages) messages, one at a time)
              relayed: p50 \(ms(relayedP50)) ms, p99 \(ms(median(rows.map(\.relayed.p99)))) ms  (through variance-relay, alternating with the direct ones)
              ratio relayed/direct p50: \(ratio(median(ratios)))  per round \(ratios.map(ratio).joined(separator: ", "))  (target ≤ 2×)
              offline: \(away) messages left with the relay; recipient started → first received \(ms(median(rows.map(\.offlineFirst)))) ms, all \(ms(median(rows.map(\.offlineLast)))) ms
            """)
    }

    private func ms(_ value: Double) -> String { String(format: "%.2f", value) }
    private func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
}

struct PathLatency {
    var p50: Double
    var p99: Double

    init(_ samples: [Double]) {
        p50 = percentile(samples, 0.5)
        p99 = percentile(samples, 0.99)
    }
}

/// One round: a relay, a direct pair and a relayed pair; milliseconds throughout.
struct PathsRound {
    var direct: PathLatency
    var relayed: PathLatency
    /// From the recipient's spawn to its first and its last message from the store.
    var offlineFirst: Double
    var offlineLast: Double

    static func run(engine: String, relay: String, work: String, messages: Int, away: Int) throws -> PathsRound {
        guard mkdir(work, 0o700) == 0 else { throw BenchError("mkdir \(work): \(errnoString())") }
        let server = try RelayChild(binary: relay, directory: work + "/relay")
        defer { server.stop() }
        let direct = try DMPair(binary: engine, work: work + "/direct")
        defer { direct.stop() }
        let relayed = try RelayedPair(binary: engine, work: work + "/relayed", relay: server)
        defer { relayed.stop() }
        var directSamples: [Double] = [], relayedSamples: [Double] = []
        for i in 0..<messages {
            directSamples.append(try messageLatency(from: direct.alice, to: direct.bob, text: "d\(i)"))
            relayedSamples.append(try messageLatency(from: relayed.alice, to: relayed.bob, text: "r\(i)"))
        }
        let (first, last) = try relayed.leaveWhileAway(count: away)
        return PathsRound(
            direct: PathLatency(directSamples), relayed: PathLatency(relayedSamples), offlineFirst: first, offlineLast: last)
    }

}

/// A `variance-relay` process on a loopback port of its choosing, with `config` (YAML) as its
/// configuration.
final class RelayChild {
    let process = Process()
    let peerID: String
    /// Where it listens, without and with its `/p2p/` peer ID.
    let address: String
    let fullAddress: String

    init(binary: String, directory: String, config: String = "listen: [\"/ip4/127.0.0.1/tcp/0\"]\n") throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/relay.yaml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", path, "--data-dir", directory, "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("Listening on ") || !text.hasSuffix("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else {
                process.waitUntilExit()
                throw BenchError("variance-relay exited: \(text)")
            }
            text += String(decoding: data, as: UTF8.self)
        }
        let lines = text.split(separator: "\n")
        guard let id = lines.first(where: { $0.hasPrefix("Relay PeerId: ") })?.dropFirst("Relay PeerId: ".count),
            let listening = lines.first(where: { $0.hasPrefix("Listening on ") })?.dropFirst("Listening on ".count),
            let range = listening.range(of: "/p2p/")
        else {
            process.terminate()
            process.waitUntilExit()
            throw BenchError("variance-relay printed no peer ID or address: \(text)")
        }
        peerID = String(id)
        address = String(listening[..<range.lowerBound])
        fullAddress = String(listening)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Two engines that listen nowhere and reserve on one relay; each adds the other from its
/// invite, whose only address is the relay circuit.
final class RelayedPair {
    let alice: RPCChild
    var bob: RPCChild
    let binary: String
    let work: String

    init(binary: String, work: String, relay: RelayChild) throws {
        self.binary = binary
        self.work = work
        guard mkdir(work, 0o700) == 0 else { throw BenchError("mkdir \(work): \(errnoString())") }
        for name in ["alice", "bob"] {
            let directory = work + "/" + name
            guard mkdir(directory, 0o700) == 0 else { throw BenchError("mkdir \(directory): \(errnoString())") }
            try "p2p:\n  relay_peers:\n    - peer_id: \(relay.peerID)\n      multiaddr: \(relay.address)\n"
                .write(toFile: directory + "/config.yaml", atomically: true, encoding: .utf8)
        }
        alice = try Self.spawn(binary: binary, work: work, name: "alice")
        bob = try Self.spawn(binary: binary, work: work, name: "bob")
        try alice.createIdentity(listening: false)
        try bob.createIdentity(listening: false)
        for engine in [alice, bob] { try Self.waitForReservation(engine) }
        let aliceInvite = try alice.call("contacts.invite")["link"]?.stringValue ?? ""
        let bobInvite = try bob.call("contacts.invite")["link"]?.stringValue ?? ""
        _ = try alice.call("contacts.add", ["invite": .string(bobInvite)])
        _ = try bob.call("contacts.add", ["invite": .string(aliceInvite)])
        // One message each way, so that Olm sessions and the circuit exist before timing.
        _ = try alice.call("messages.send", ["conversation": .string(bob.did), "text": "warm-up"])
        try bob.waitForReceived(text: "warm-up")
        _ = try bob.call("messages.send", ["conversation": .string(alice.did), "text": "warm-up back"])
        try alice.waitForReceived(text: "warm-up back")
        // The path really is the circuit: bob has no address but his relayed ones.
        let bobPeer = try bob.call("node.status")["peerId"]?.stringValue
        let peers = try alice.call("node.peers")["peers"]?.arrayValue ?? []
        let addresses = peers.first { $0["peerId"]?.stringValue == bobPeer }?["addrs"]?.arrayValue ?? []
        guard !addresses.isEmpty, addresses.allSatisfy({ $0.stringValue?.contains("/p2p-circuit") == true }) else {
            throw BenchError("alice does not reach bob through the relay only: \(JSON.array(peers).compactString)")
        }
    }

    static func spawn(binary: String, work: String, name: String) throws -> RPCChild {
        try RPCChild(
            name: name, binary: binary, dataDirectory: work + "/" + name,
            arguments: ["--data-dir", work + "/" + name, "--log-level", "error"])
    }

    /// Polls `node.status` until it lists a relay address (at most 60 s).
    static func waitForReservation(_ engine: RPCChild) throws {
        let deadline = nowNs() + 60_000_000_000
        while (try engine.call("node.status")["relays"]?.arrayValue?.count ?? 0) == 0 {
            guard nowNs() < deadline else { throw BenchError("\(engine.name): no relay reservation within 60 s") }
            usleep(50_000)
        }
    }

    /// Stops bob, leaves `count` messages for him (each `sent` once the relay stored it),
    /// starts him again; returns milliseconds from that start to his first and his last.
    func leaveWhileAway(count: Int) throws -> (first: Double, last: Double) {
        bob.stop()
        var ids = Set<Int64>()
        for i in 0..<count {
            ids.insert(try alice.sendRequest("messages.send", ["conversation": .string(bob.did), "text": .string("a\(i)")]))
        }
        // Statuses name message ids, replies give them; a status may come before its reply.
        var messageIDs = Set<String>(), sentIDs = Set<String>()
        let deadline = nowNs() + 120_000_000_000
        while messageIDs.count < count || !messageIDs.isSubset(of: sentIDs) {
            guard let line = try alice.child.reader.nextLine(deadline: deadline) else {
                throw BenchError("alice: \(messageIDs.count) replies, \(sentIDs.count) sent statuses of \(count)\n\(tail(alice.stderrPath))")
            }
            let value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            if let id = value["id"]?.intValue, ids.contains(id) {
                guard let message = value["result"]?["id"]?.stringValue else {
                    throw BenchError("alice: messages.send failed: \(value.compactString)")
                }
                messageIDs.insert(message)
            }
            if value["method"]?.stringValue == "message.status", value["params"]?["status"]?.stringValue == "sent",
                let message = value["params"]?["id"]?.stringValue
            {
                sentIDs.insert(message)
            }
        }
        let bobDID = bob.did
        let start = nowNs()
        bob = try Self.spawn(binary: binary, work: work, name: "bob")
        var first = 0.0, received = 0
        while received < count {
            guard let line = try bob.child.reader.nextLine(deadline: start + 120_000_000_000) else {
                throw BenchError("bob: \(received) of \(count) messages from the relay\n\(tail(bob.stderrPath))")
            }
            guard contains(line, "\"message.received\"") else { continue }
            let value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            guard value["params"]?["message"]?["text"]?.stringValue?.hasPrefix("a") == true else { continue }
            received += 1
            if received == 1 { first = Double(nowNs() - start) / 1e6 }
        }
        bob.adopt(did: bobDID)
        return (first, Double(nowNs() - start) / 1e6)
    }

    func stop() {
        alice.stop()
        bob.stop()
    }
}
