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

        await Self.waitForTermination()
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
}
