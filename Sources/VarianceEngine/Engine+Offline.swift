import Crypto
import Foundation
import LibP2P
import LibP2PCore
import LibP2PRelay
import VarianceIdentity
import VarianceMessaging
import VarianceOffline
import VarianceOlm
import VarianceProtos

/// Offline delivery (`/variance/offline/1.0.0`): when a contact's node cannot be reached,
/// the outbox leaves the encrypted envelopes with one of the contact's relays (the relays
/// named in their circuit addresses); the relay keeps them, at most 30 days, until the
/// contact fetches them by signing a challenge with its DID key. The outbox counts a
/// deposit as sent; a refusal (quota) or no answer leaves the items queued for a retry.
/// First contact with someone offline uses the signed fallback key of their record.
extension Engine {
    /// Envelopes left per deposit: below Olm's 40 skipped keys, so a deposit cut short
    /// never leaves a gap the receiver cannot bridge.
    static let maxEnvelopesPerDeposit = 32
    /// How long, after leaving messages with someone's relay, later ones follow them there
    /// rather than going straight to a peer of theirs (unless they show they read them).
    static let relayStickinessMillis: Int64 = 10 * 60 * 1000
    /// Time for one deposit or one fetch exchange.
    static let offlineExchangeTimeout: Duration = .seconds(60)

    /// Leaves `messages` (their first ``maxEnvelopesPerDeposit``) for `record`'s DID with
    /// the first of its relays that takes them. Returns how many were stored.
    func depositOffline(
        _ messages: [DirectMessage], to record: IdentityRecord, identity: Identity, node: Swarm
    ) async throws(EngineError) -> Int {
        let did = record.did
        let relays = relayAddresses(of: did)
        guard !relays.isEmpty else {
            throw EngineError.unreachable("No known, reachable peer for \(did), and no relay of theirs to leave messages with.")
        }
        let recipient: RecipientKey
        do { recipient = try RecipientKey(try DIDKey.publicKey(fromDID: did)) } catch {
            throw EngineError.internalError("\(did) has no Ed25519 key")
        }
        // First contact while they are away: the session book builds it on their record's
        // signed fallback key (it does when no one-time key is given).
        if try messagingState().book.sessionCount(with: did) == 0, record.fallbackKey == nil {
            throw EngineError.unreachable("\(did) is offline and its record offers no fallback key for a first message.")
        }
        let batch = Array(messages.prefix(Self.maxEnvelopesPerDeposit))
        let envelopes = try encrypt(batch, to: record, identity: identity, oneTimeKey: nil)
        let ourRecordBytes = try ourRecord().bytes
        // Where we can be reached, for their receipts and replies: listen addresses and circuits.
        let ourAddresses = (await node.listenAddresses + node.relayedAddresses).compactMap {
            Self.dialable($0, of: node.localPeer)?.description
        }
        var items: [OfflineEnvelope] = []
        for envelope in envelopes {
            do {
                let id = try EnvelopeID(Array(SHA256.hash(data: envelope.envelopeID)).prefix(16).map { $0 })
                var item = Variance_Dm_V1_OfflineItem()
                item.envelope = Data(try DirectMessageCodec.encode(envelope))
                item.senderRecord = Data(ourRecordBytes)
                item.senderAddresses = ourAddresses
                items.append(OfflineEnvelope(recipient: recipient, id: id, payload: try item.serializedBytes()))
            } catch {
                throw EngineError.internalError("an envelope cannot be encoded: \(error)")
            }
        }
        let deposits = items
        var lastProblem = "no relay answered"
        for relay in relays {
            guard let relayPeer = relay.peerID, (try? await node.dial(relay)) != nil else {
                lastProblem = "the relay \(relay) is not reachable"
                continue
            }
            do {
                let outcomes = try await offlineExchange(with: relayPeer, node: node) { read, write in
                    try await OfflineClient().deposit(deposits, read: read, write: write)
                }
                let stored = outcomes.prefix { $0 == .stored }.count
                if stored > 0 {
                    leftWithRelay[did] = clock()
                    logger.info("Left messages with a relay", metadata: ["did": "\(did)", "count": "\(stored)", "relay": "\(relayPeer)"])
                    return stored
                }
                lastProblem = "the relay said \(outcomes.first.map { "\($0)" } ?? "nothing")"
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw EngineError.unreachable("\(did) is not reachable, and no relay took the messages (\(lastProblem)).")
    }

    /// Waits (at most 15 s) until our mailboxes at the relays were read after start.
    func awaitInitialFetch() async {
        guard !initialFetchDone, let fetch = initialFetch else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fetch.value }
            // (Cancellable, unlike waiting on another task's value.)
            group.addTask { try? await Task.sleep(for: .seconds(15)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// The relays `did` holds reservations on, as we last heard (from its circuit addresses).
    func relayAddresses(of did: String) -> [Multiaddr] {
        var relays: [Multiaddr] = []
        for address in storedAddresses(of: did) {
            guard let circuit = CircuitAddress(address), !relays.contains(circuit.relay) else { continue }
            relays.append(circuit.relay)
        }
        return relays
    }

    /// Fetches what relays keep for us, from every configured relay in turn; every batch
    /// is stored (like envelopes received directly) before it is acknowledged.
    func fetchOfflineMail(node: Swarm) async {
        for text in configuration.relayPeers {
            guard let address = try? Multiaddr(text) else { continue }
            await fetchOfflineMail(from: address, node: node)
        }
    }

    /// Fetches our mailbox at one relay.
    func fetchOfflineMail(from relay: Multiaddr, node: Swarm) async {
        guard let identity, let relayPeer = relay.peerID, (try? await node.dial(relay)) != nil else { return }
        let recipient: RecipientKey
        do { recipient = try RecipientKey(identity.publicKey) } catch { return }
        let key = identity.signingKey
        do {
            let count = try await offlineExchange(with: relayPeer, node: node) { read, write in
                try await OfflineClient().fetch(
                    recipientKey: recipient, sign: { Array(try key.signature(for: $0)) }, serverIdentity: relayPeer.bytes,
                    read: read, write: write,
                    onBatch: { batch in try await self.receiveOffline(batch.map(\.payload), node: node) })
            }
            if count > 0 { logger.info("Fetched messages a relay kept for us", metadata: ["count": "\(count)", "relay": "\(relayPeer)"]) }
        } catch {
            logger.info("Fetching from a relay failed", metadata: ["relay": "\(relayPeer)", "error": "\(error)"])
        }
    }

    /// Envelopes fetched from a relay: each comes with its sender's signed record, which is
    /// verified and remembered (if newer than what we know) before the envelopes are handled
    /// like ones received directly. Unreadable items are dropped (logged): they can never
    /// become readable, and keeping them would block the mailbox.
    func receiveOffline(_ payloads: [[UInt8]], node: Swarm) async throws {
        var envelopes: [[UInt8]] = []
        for payload in payloads {
            guard let item = try? Variance_Dm_V1_OfflineItem(serializedBytes: payload),
                let envelope = try? DirectMessageCodec.decodeEnvelope(Array(item.envelope))
            else {
                logger.info("Dropping an unreadable item from a relay's store")
                continue
            }
            if !item.senderRecord.isEmpty, let record = try? UnverifiedIdentityRecord(bytes: Array(item.senderRecord))
                .verify(expectedDID: envelope.senderDID)
            {
                let known = try knownRecord(envelope.senderDID)
                if known == nil || record.sequence > known!.sequence {
                    try remember(record, bytes: Array(item.senderRecord))
                }
                let addresses = item.senderAddresses.prefix(Self.maxStoredAddresses).compactMap { try? Multiaddr($0) }
                    .filter { $0.peerID.map(record.peerIDs.contains) ?? false }
                if !addresses.isEmpty { try? storeAddresses(addresses, of: record.did) }
            }
            envelopes.append(Array(item.envelope))
        }
        guard !envelopes.isEmpty else { return }
        _ = try await receiveEnvelopes(envelopes, from: nil, node: node)
    }

    /// Runs one offline-protocol exchange on a new stream to `relay`, bounded in time.
    private nonisolated func offlineExchange<T: Sendable>(
        with relay: PeerID, node: Swarm,
        _ body: @escaping @Sendable (
            _ read: @escaping @Sendable () async throws -> [UInt8]?, _ write: @escaping @Sendable ([UInt8]) async throws -> Void
        ) async throws -> T
    ) async throws -> T {
        let stream = try await node.newStream(to: relay, protocols: [OfflineProtocol.id])
        let limit = OfflineLimits.default.maxMessageBytes
        do {
            let result = try await withOfflineDeadline(Self.offlineExchangeTimeout, expire: { await stream.reset() }) {
                try await body(
                    { try await stream.readLengthPrefixed(maxLength: limit) },
                    { try await stream.writeLengthPrefixed($0) })
            }
            try? await stream.closeWrite()
            return result
        } catch {
            await stream.reset()
            throw error
        }
    }
}

/// Runs `operation`, calling `expire` (and throwing) if it takes longer than `timeout`.
func withOfflineDeadline<T: Sendable>(
    _ timeout: Duration, expire: @escaping @Sendable () async -> Void, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            await expire()
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw EngineError.unreachable("the relay did not answer in time")
        }
        group.cancelAll()
        return value
    }
}
