// `variance-bench relay`: Circuit Relay v2 figures for issue 6, all on loopback.
//   1. latency and throughput, direct vs relayed, between two in-process swarms with an
//      in-process RelayService between them (the same code variance-relay runs);
//   2. a real variance-relay process under load: N reservations from N client swarms (its
//      RSS before and after gives the memory per reservation), then C concurrent circuits
//      each carrying an echo (its RSS and CPU time recorded).
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Crypto
import Foundation
import LibP2P
import LibP2PCore
import LibP2PRelay

struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Direct vs relayed latency and throughput; variance-relay under load.")

    @Option(help: "Echo round trips of 64 bytes per path.")
    var roundTrips = 2000

    @Option(help: "Megabytes sent one way per path for throughput.")
    var megabytes = 64

    @Option(help: "Reservations held at once on the variance-relay process.")
    var reservations = 1000

    @Option(help: "Concurrent circuits through it.")
    var circuits = 200

    @Option(help: "The variance-relay binary (default: next to this executable).")
    var relay: String?

    @Flag(help: "Only connect the clients, without reserving (to split connection and reservation memory).")
    var connectOnly = false

    @Flag(help: "Skip the in-process latency and throughput part.")
    var loadOnly = false

    @Option(help: "Seconds to keep the reservations after measuring, before the circuits (to inspect the relay).")
    var holdSeconds = 0

    func run() throws {
        print("Relay benchmark (loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        if !loadOnly {
            let paths = try runBlocking(timeoutSeconds: 600, what: "paths") {
                try await RelayBench.paths(roundTrips: roundTrips, megabytes: megabytes)
            }
            print("  64 B echo RTT      direct p50 \(fmt(paths.direct.p50)) µs  p99 \(fmt(paths.direct.p99)) µs")
            print("                     relayed p50 \(fmt(paths.relayed.p50)) µs  p99 \(fmt(paths.relayed.p99)) µs")
            print("                     ratio relayed/direct p50 \(fmt(paths.relayed.p50 / paths.direct.p50, 2))×  (target ≤ 2×)")
            print("  throughput         direct \(fmt(paths.directMBps)) MB/s   relayed \(fmt(paths.relayedMBps)) MB/s per circuit")
        }
        let binary = relay ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("variance-relay").path
        let load = try runBlocking(timeoutSeconds: 900, what: "load") {
            try await RelayBench.load(
                binary: binary, reservations: reservations, circuits: connectOnly ? 0 : circuits, reserve: !connectOnly,
                holdSeconds: holdSeconds)
        }
        print("  variance-relay     RSS idle \(load.idleKB) KiB, with \(reservations) reservations \(load.reservedKB) KiB")
        print("                     memory per reservation \(fmt(Double(load.reservedKB - load.idleKB) * 1024 / Double(reservations) / 1000, 2)) KB (target ≤ 10 KB)")
        print("                     reserving took \(fmt(load.reserveSeconds, 2)) s")
        print("                     \(circuits) concurrent circuits with a 16 KiB echo each: \(fmt(load.circuitSeconds, 2)) s, \(load.circuitFailures) failed")
        print("                     RSS with them \(load.circuitKB) KiB; relay CPU \(fmt(load.cpuSeconds, 2)) s over the whole load")
    }
}

enum RelayBench {
    static let echo = "/variance/bench/echo/1.0.0"

    struct Percentiles { var p50: Double; var p99: Double }
    struct Paths { var direct: Percentiles; var relayed: Percentiles; var directMBps: Double; var relayedMBps: Double }
    struct Load {
        var idleKB: Int, reservedKB: Int, circuitKB: Int
        var reserveSeconds: Double, circuitSeconds: Double, cpuSeconds: Double
        var circuitFailures: Int
    }

    static func swarm() -> Swarm {
        Swarm(identity: Curve25519.Signing.PrivateKey(), configuration: LibP2PBench.configuration, logger: LibP2PBench.quietLogger)
    }

    static func serveEcho(on swarm: Swarm) async {
        await swarm.handle(echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch { await stream.reset() }
        }
        await swarm.handle(LibP2PBench.sinkProtocol) { stream in
            var total: UInt64 = 0
            do {
                while let bytes = try await stream.read() { total += UInt64(bytes.count) }
                try await stream.write((0..<8).map { UInt8(truncatingIfNeeded: total >> (56 - 8 * $0)) })
                try await stream.closeWrite()
            } catch { await stream.reset() }
        }
    }

    static func paths(roundTrips: Int, megabytes: Int) async throws -> Paths {
        let relaySwarm = swarm()
        let relayBound = try await relaySwarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        var limits = RelayLimits()
        limits.circuitBytes = UInt64(megabytes + 16) << 20
        _ = await RelayService.start(on: relaySwarm, limits: limits)
        let relayAddress = try relayBound.appending(.p2p(relaySwarm.localPeer))
        let target = swarm()
        let targetBound = try await target.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        await serveEcho(on: target)
        await target.acceptRelayedConnections()
        _ = try await target.reserve(on: relayAddress)
        let directDialer = swarm()
        let relayedDialer = swarm()
        _ = try await directDialer.dial(targetBound.appending(.p2p(target.localPeer)))
        _ = try await relayedDialer.dial(CircuitAddress.make(relay: relayAddress, target: target.localPeer)!)
        let direct = try await rtts(from: directDialer, to: target.localPeer, count: roundTrips)
        let relayed = try await rtts(from: relayedDialer, to: target.localPeer, count: roundTrips)
        let directMBps = try await throughput(from: directDialer, to: target.localPeer, megabytes: megabytes)
        let relayedMBps = try await throughput(from: relayedDialer, to: target.localPeer, megabytes: megabytes)
        for s in [directDialer, relayedDialer, target, relaySwarm] { await s.close() }
        return Paths(direct: direct, relayed: relayed, directMBps: directMBps, relayedMBps: relayedMBps)
    }

    /// Round trips of 64 bytes on one echo stream, after 100 warm-up ones; in µs.
    static func rtts(from swarm: Swarm, to peer: PeerID, count: Int) async throws -> Percentiles {
        let stream = try await swarm.newStream(to: peer, protocols: [echo])
        let payload = [UInt8](repeating: 0x5A, count: 64)
        var samples: [Double] = []
        for index in 0..<(count + 100) {
            let start = nowNs()
            try await stream.write(payload)
            var got = 0
            while got < payload.count {
                guard let chunk = try await stream.read() else { throw BenchError("the echo stream ended") }
                got += chunk.count
            }
            if index >= 100 { samples.append(Double(nowNs() - start) / 1000) }
        }
        try await stream.closeWrite()
        samples.sort()
        return Percentiles(p50: samples[samples.count / 2], p99: samples[samples.count * 99 / 100])
    }

    static func throughput(from swarm: Swarm, to peer: PeerID, megabytes: Int) async throws -> Double {
        let stream = try await swarm.newStream(to: peer, protocols: [LibP2PBench.sinkProtocol])
        let chunk = [UInt8](repeating: 0xA5, count: 64 * 1024)
        let start = nowNs()
        for _ in 0..<(megabytes * 16) { try await stream.write(chunk) }
        try await stream.closeWrite()
        _ = try await stream.readExactly(8)
        return Double(megabytes) * 1_048_576 / 1e6 / (Double(nowNs() - start) / 1e9)
    }

    static func load(binary: String, reservations: Int, circuits: Int, reserve: Bool, holdSeconds: Int = 0) async throws
        -> Load
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("variance-bench-relay-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayChild(binary: binary, directory: directory.path, config: """
            listen: ["/ip4/127.0.0.1/tcp/0"]
            limits:
              reservations: \(reservations + 10)
              circuits: \(circuits + 10)
              circuits_per_peer: 4
              pending_handshakes_per_address: 256
            """)
        defer { relay.stop() }
        let relayAddress = try Multiaddr(relay.fullAddress)
        let pid = relay.process.processIdentifier
        try await Task.sleep(for: .milliseconds(500))
        let idle = procStatusKB(pid: pid, key: "VmRSS") ?? 0
        let cpuStart = procCPUTicks(pid: pid) ?? 0

        // N client swarms, each holding a reservation (8 at a time).
        var clients: [Swarm] = []
        let reserveStart = nowNs()
        for start in stride(from: 0, to: reservations, by: 64) {
            let batch = (start..<min(start + 64, reservations)).map { _ in swarm() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in batch {
                    group.addTask {
                        await serveEcho(on: client)
                        await client.acceptRelayedConnections()
                        if reserve { _ = try await client.reserve(on: relayAddress) } else { _ = try await client.dial(relayAddress) }
                    }
                }
                try await group.waitForAll()
            }
            clients += batch
        }
        let reserveSeconds = Double(nowNs() - reserveStart) / 1e9
        try await Task.sleep(for: .milliseconds(500))
        let reserved = procStatusKB(pid: pid, key: "VmRSS") ?? 0
        if holdSeconds > 0 {
            print("  holding \(reservations) reservations for \(holdSeconds) s (variance-relay pid \(pid))")
            fflush(nil)
            try await Task.sleep(for: .seconds(holdSeconds))
        }

        // C dialers, each to its own reserved target, all at once, 16 KiB echoed each.
        let dialers = (0..<circuits).map { _ in swarm() }
        let circuitStart = nowNs()
        let payload = [UInt8](repeating: 0x33, count: 16 * 1024)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for (index, dialer) in dialers.enumerated() {
                let target = clients[index % clients.count].localPeer
                group.addTask {
                    do {
                        _ = try await dialer.dial(CircuitAddress.make(relay: relayAddress, target: target)!)
                        let stream = try await dialer.newStream(to: target, protocols: [echo])
                        try await stream.write(payload)
                        try await stream.closeWrite()
                        var got = 0
                        while let chunk = try await stream.read() { got += chunk.count }
                        return got == payload.count
                    } catch { return false }
                }
            }
            var failed = 0
            for await ok in group where !ok { failed += 1 }
            return failed
        }
        let circuitSeconds = Double(nowNs() - circuitStart) / 1e9
        let withCircuits = procStatusKB(pid: pid, key: "VmRSS") ?? 0
        let cpu = Double((procCPUTicks(pid: pid) ?? 0) - cpuStart) / Double(clockTicksPerSecond)
        for s in clients + dialers { await s.close() }
        return Load(
            idleKB: idle, reservedKB: reserved, circuitKB: withCircuits, reserveSeconds: reserveSeconds,
            circuitSeconds: circuitSeconds, cpuSeconds: cpu, circuitFailures: failures)
    }
}
