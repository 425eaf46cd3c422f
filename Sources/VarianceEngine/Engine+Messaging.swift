import Crypto
import LibP2P
import LibP2PCore
import VarianceMessaging
import VarianceOlm
import VarianceStorage

/// Olm state: the account (created at first use, persisted pickled in kv), the session
/// book and the verified identity records of contacts.
struct MessagingState: Sendable {
    var account: OlmAccount
    var book: DirectSessionBook
    /// Verified records by DID.
    var records: [String: IdentityRecord]
}

/// The protocols and limits of direct messaging.
enum MessagingProtocol {
    static let identity = "/variance/identity/1.0.0"
    static let directMessage = "/variance/dm/1.0.0"
    static let maxRequestBytes = 64 * 1024
    static let maxResponseBytes = 64 * 1024
    /// Kv keys (values are encrypted by the store).
    static let accountKey = "olm/account"
    static let bookKey = "olm/book"
    static func recordKey(_ did: String) -> String { "record/\(did)" }
    static func addressKey(_ did: String) -> String { "address/\(did)" }
    /// The HKDF info of the pickle key, derived from the storage key.
    static let pickleKeyInfo = "variance/olm/v1"
    static let oneTimeKeyCount = 20
}

extension Engine {
    /// The 32-byte pickle key for the account and the book.
    func pickleKey() throws(EngineError) -> [UInt8] {
        let identity = try readyIdentity()
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: identity.storageKey, info: Array(MessagingProtocol.pickleKeyInfo.utf8), outputByteCount: 32)
        return key.withUnsafeBytes { Array($0) }
    }

    /// The messaging state, loaded from kv or created (and persisted) on first use.
    func messagingState() throws(EngineError) -> MessagingState {
        if let messaging { return messaging }
        let store = try readyStore()
        let key = try pickleKey()
        var state: MessagingState
        do {
            if let pickled = try store.value(forKey: MessagingProtocol.accountKey) {
                let account = try OlmAccount(pickle: pickled, key: key)
                let book = try store.value(forKey: MessagingProtocol.bookKey).map {
                    (p) throws(MessagingError) in try DirectSessionBook(pickle: p, key: key)
                } ?? DirectSessionBook()
                state = MessagingState(account: account, book: book, records: [:])
            } else {
                var account = OlmAccount()
                account.generateOneTimeKeys(MessagingProtocol.oneTimeKeyCount)
                account.generateFallbackKey()
                state = MessagingState(account: account, book: DirectSessionBook(), records: [:])
                messaging = state
                do { try persistMessaging() } catch {
                    messaging = nil
                    throw error
                }
                logger.info("Olm account created")
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.storage("the Olm account cannot be loaded (\(type(of: error)))")
        }
        messaging = state
        return state
    }

    /// Pickles the book, and the account unless `account` is false (it changes only when a
    /// one-time key is used or made), into kv.
    func persistMessaging(account: Bool = true) throws(EngineError) {
        let pickles = try messagingPickles(account: account)
        do { try readyStore().setValues(pickles) } catch { throw Self.map(error) }
    }

    /// The kv entries `persistMessaging` writes, for a caller that writes them in its own
    /// transaction.
    func messagingPickles(account: Bool) throws(EngineError) -> [(key: String, value: [UInt8])] {
        guard let messaging else { return [] }
        let key = try pickleKey()
        var rng = SystemRandom()
        do {
            var out: [(key: String, value: [UInt8])] = []
            if account { out.append((MessagingProtocol.accountKey, try messaging.account.pickle(key: key, using: &rng))) }
            out.append((MessagingProtocol.bookKey, try messaging.book.pickle(key: key, using: &rng)))
            return out
        } catch {
            throw Self.map(error)
        }
    }

    /// Our signed identity record, naming our node's peer ID.
    func ourRecord() throws(EngineError) -> SignedIdentityRecord {
        let identity = try readyIdentity()
        let state = try messagingState()
        return IdentityRecord.make(
            identity: identity, account: state.account, peerIDs: [identity.peerID], sequence: UInt64(clock()), now: clock())
    }

    /// A contact's verified record, from memory or kv.
    func knownRecord(_ did: String) throws(EngineError) -> IdentityRecord? {
        if let record = try messagingState().records[did] { return record }
        let store = try readyStore()
        let bytes: [UInt8]?
        do { bytes = try store.value(forKey: MessagingProtocol.recordKey(did)) } catch { throw Self.map(error) }
        guard let bytes, let record = try? UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: did) else { return nil }
        messaging?.records[did] = record
        return record
    }

    /// Stores a verified record (its bytes, to verify again after restart).
    func remember(_ record: IdentityRecord, bytes: [UInt8]) throws(EngineError) {
        _ = try messagingState()
        do { try readyStore().setValue(bytes, forKey: MessagingProtocol.recordKey(record.did)) } catch { throw Self.map(error) }
        messaging?.records[record.did] = record
    }

    /// Answers a `KeyRequest`: our record and, when asked, one fresh one-time key (then
    /// marked published, the account persisted).
    func answerKeyRequest(_ bytes: [UInt8]) throws -> [UInt8] {
        let identity = try readyIdentity()
        let request = try KeyRequest(bytes: bytes)
        guard request.did == identity.did else {
            return try KeyResponse(recordBytes: nil, oneTimeKey: nil, refusal: .unknownDID).encoded()
        }
        let record = try ourRecord()
        var oneTimeKey: SignedOlmKey?
        if request.wantOneTimeKey {
            var state = try messagingState()
            if state.account.oneTimeKeys.isEmpty { state.account.generateOneTimeKeys(1) }
            if let fresh = state.account.oneTimeKeys.first {
                oneTimeKey = SignedOlmKey.sign(kind: .oneTime, keyID: fresh.keyId, key: fresh.key, account: state.account)
                state.account.markKeysAsPublished()
                messaging = state
                try persistMessaging()
            }
        }
        return try KeyResponse(recordBytes: record.bytes, oneTimeKey: oneTimeKey).encoded()
    }

    /// Asks `peer` for `did`'s record (and a one-time key if `wantOneTimeKey`), verifies
    /// and remembers it.
    func fetchRecord(_ did: String, from peer: PeerID, node: Swarm, wantOneTimeKey: Bool = false)
        async throws(EngineError) -> (record: IdentityRecord, oneTimeKey: SignedOlmKey?)
    {
        let known = try knownRecord(did)
        let request = KeyRequest(did: did, wantOneTimeKey: wantOneTimeKey)
        let responseBytes: [UInt8]
        do {
            responseBytes = try await node.request(
                peer, protocolID: MessagingProtocol.identity, request.bytes,
                maxResponseBytes: MessagingProtocol.maxResponseBytes, timeout: .seconds(10))
        } catch {
            throw EngineError.unreachable("Cannot fetch the identity record of \(did): \(error)")
        }
        do {
            let response = try KeyResponse(bytes: responseBytes)
            if let refusal = response.refusal { throw EngineError.notFound("The peer refused the key request (\(refusal)).") }
            let verified = try response.verify(expectedDID: did, known: known)
            guard var record = verified.record ?? known else { throw EngineError.crypto("The peer sent no identity record.") }
            // Never roll back to an older record than one already verified.
            if let known, record.sequence < known.sequence { record = known }
            if let bytes = response.recordBytes, record != known { try remember(record, bytes: bytes) }
            return (record, verified.oneTimeKey)
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.crypto("The identity record of \(did) does not verify: \(error)")
        }
    }
}
