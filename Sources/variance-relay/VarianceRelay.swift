import ArgumentParser
import Foundation
import LibP2P
import LibP2PCore
import LibP2PNAT
import LibP2PRelay
import VarianceOffline
import Logging
import VarianceEngine

/// variance-relay: a public helper for Variance engines behind NATs. It serves Circuit
/// Relay v2 (hop), AutoNAT v1 (engines learn whether they are reachable), the Kademlia DHT
/// in server mode (so engines can bootstrap from it), the offline store (`/variance/offline/
/// 1.0.0`: encrypted envelopes kept for engines that are away), and
/// keeps running until SIGINT or SIGTERM. See docs/NAT-TRAVERSAL.md.
@main
struct VarianceRelay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variance-relay", abstract: "Relay, bootstrap and offline store for Variance engines.")

    @Option(help: "TCP port to listen on (all IPv4 interfaces) unless relay.yaml says where.")
    var port: Int = 4001

    @Option(help: "The relay's configuration (YAML); see docs/NAT-TRAVERSAL.md.")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Where the relay keeps its key and stored envelopes.")
    var dataDirectory: String = "./relay-data"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        Self.limitMallocArenas()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "variance-relay")
        var settings = RelayConfiguration()
        if let config {
            do { settings = try RelayConfiguration.parse(try String(contentsOfFile: config, encoding: .utf8)) } catch {
                throw ValidationError("cannot use \(config): \(error)")
            }
        }
        let key = try RelayKey.loadOrCreate(in: dataDirectory)
        var swarmConfiguration = SwarmConfiguration()
        swarmConfiguration.agentVersion = "variance-relay/0.1.0"
        swarmConfiguration.maxConnections = settings.maxConnections
        swarmConfiguration.maxPendingHandshakes = settings.maxPendingHandshakes
        swarmConfiguration.maxPendingHandshakesPerAddress = settings.maxPendingHandshakesPerAddress
        let swarm = Swarm(identity: key, configuration: swarmConfiguration, logger: logger)
        let listen = settings.listen.isEmpty ? ["/ip4/0.0.0.0/tcp/\(port)"] : settings.listen
        var bound: [Multiaddr] = []
        for text in listen {
            do { bound.append(try await swarm.listen(on: try Multiaddr(text))) } catch {
                throw ValidationError("cannot listen on \(text): \(error)")
            }
        }
        let announce = try settings.announce.map { try Multiaddr($0) }
        _ = await RelayService.start(on: swarm, limits: settings.limits, announce: announce.isEmpty ? nil : announce)
        let mailboxes: OfflineStore
        do {
            mailboxes = try await OfflineMailboxes.start(
                on: swarm, directory: dataDirectory, limits: settings.offlineLimits, logger: logger)
        } catch {
            throw ValidationError("cannot open the offline store in \(dataDirectory): \(error)")
        }
        var autonat = AutoNATServerConfiguration()
        autonat.addressPolicy = settings.autonatScope
        await AutoNATService(swarm: swarm, serverConfiguration: autonat).serve()
        let dht = Kademlia(swarm: swarm, configuration: Engine.dhtConfiguration(), logger: logger)
        await dht.start(following: swarm.events)

        // Operators and tests read these two kinds of lines.
        print("Relay PeerId: \(swarm.localPeer)")
        for address in bound { print("Listening on \(address)/p2p/\(swarm.localPeer)") }
        fflush(nil)

        // Freed memory goes back to the system once a burst of connections is over.
        let trimmer = Task.detached(priority: .background) { await Self.trimAfterBursts() }
        await Self.waitForTermination()
        trimmer.cancel()
        logger.info("Shutting down")
        await dht.shutdown()
        await swarm.close()
        try? mailboxes.close()
    }

    /// Returns on SIGINT or SIGTERM.
    static func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension VarianceRelay {
    /// Two malloc arenas instead of glibc's default of eight per core. The relay holds many
    /// small long-lived objects (a connection per reservation) among short-lived ones made by
    /// handshakes on several threads; each thread's arena kept its share of the freed memory,
    /// about 3 KB per reservation at 1,000 of them (docs/PERFORMANCE.md).
    static func limitMallocArenas() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 2)
        #endif
    }

    /// Gives memory freed after a burst back to the system: glibc keeps freed chunks in
    /// its arenas for reuse, and a burst of handshakes (each allocating and freeing far more
    /// than the connection it leaves) leaves pages of them behind, counted in the RSS for as
    /// long as the relay runs. Every 200 ms the relay reads its RSS (/proc/self/statm); once
    /// it has grown 2 MiB since the last trim and then stops growing (< 256 KiB in a tick),
    /// `malloc_trim(0)` returns the free pages (a few ms at most, once per burst). An
    /// allocator policy for a long-running server, like jemalloc's decay: it takes no live
    /// object away (docs/PERFORMANCE.md, "Relay memory: freed pages returned after a burst").
    static func trimAfterBursts() async {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim"),
            let start = residentBytes()
        else { return }
        let trim = unsafeBitCast(symbol, to: MallocTrim.self)
        var policy = BurstTrimPolicy(resident: start)
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
            guard let resident = residentBytes() else { return }
            if policy.observe(resident: resident) {
                _ = trim(0)
                policy.trimmed(resident: residentBytes() ?? resident)
            }
        }
        #endif
    }

    /// The resident set in bytes, from /proc/self/statm (Linux).
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// When to trim (pure): after the RSS grew `growth` bytes since the last trim and then grew
/// less than `quiet` bytes between two looks (the burst is over).
struct BurstTrimPolicy {
    var growth = 2 << 20
    var quiet = 256 << 10
    private var base: Int
    private var last: Int

    init(resident: Int) { (base, last) = (resident, resident) }

    /// Looks at the RSS; says whether to trim now.
    mutating func observe(resident: Int) -> Bool {
        defer { last = resident }
        base = min(base, resident)
        return resident - base >= growth && resident - last < quiet
    }

    mutating func trimmed(resident: Int) { (base, last) = (resident, resident) }
}
