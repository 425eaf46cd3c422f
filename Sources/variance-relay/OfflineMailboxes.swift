import Foundation
import LibP2P
import LibP2PCore
import Logging
import VarianceOffline

/// The relay's offline store on the swarm: `/variance/offline/1.0.0` streams go to an
/// ``OfflineServer`` over the SQLite mailboxes in `<data-dir>/offline.sqlite`, which survive
/// restarts; an hourly sweep deletes what is older than the limit (30 days by default).
enum OfflineMailboxes {
    /// Time for one stream (a batch of deposits or one whole fetch).
    static let streamTimeout: Duration = .seconds(120)

    static func start(on swarm: Swarm, directory: String, limits: OfflineLimits, logger: Logger) async throws -> OfflineStore {
        let store = try OfflineStore(path: directory + "/offline.sqlite", limits: limits)
        let server = OfflineServer(store: store, limits: limits, serverIdentity: swarm.localPeer.bytes)
        await swarm.handle(OfflineProtocol.id) { stream in
            let exchange = Task {
                try await server.serve(
                    read: { try await stream.readLengthPrefixed(maxLength: limits.maxMessageBytes) },
                    write: { try await stream.writeLengthPrefixed($0) })
                try await stream.closeWrite()
            }
            let timer = Task {
                try await Task.sleep(for: streamTimeout)
                exchange.cancel()
                await stream.reset()
            }
            do { try await exchange.value } catch {
                logger.debug("An offline-store stream ended badly", metadata: ["peer": "\(stream.remotePeer)", "error": "\(error)"])
                await stream.reset()
            }
            timer.cancel()
        }
        Task {
            while !Task.isCancelled {
                do {
                    let removed = try store.expire(now: Int64(Date().timeIntervalSince1970))
                    if removed > 0 { logger.info("Expired offline envelopes", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.error("The offline-store sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        return store
    }
}
