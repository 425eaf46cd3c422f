import VarianceOlm

/// The Olm sessions with every contact, and the ids of messages already received: the
/// state machine of `/variance/dm/1.0.0`. A pure value; the engine persists it
/// (``pickle(key:using:)``) in the same transaction as the message it produced.
///
/// ```
///  per contact (by DID):
///
///    no session ──encrypt (one-time / fallback key)──▶ outbound session, sends pre-key (type 0)
///        │                                                    │ first reply decrypts
///        │ pre-key message arrives                            ▼
///        └──createInboundSession──▶ inbound session ──▶ established, sends normal (type 1)
///
///  sessions: most recently used first, at most maxSessionsPerContact (the least recently
///            used is dropped); a pre-key message goes to the session it opened, else opens
///            a new one; a normal message is tried on every session, newest first.
///  seen ids: the last dedupeWindow message ids received; a decrypted message whose id is
///            among them is refused as .duplicate and changes nothing.
/// ```
///
/// `encrypt` and `decrypt` do not mutate: they return the new book (and account) with the
/// result. Stage, persist, then adopt. On error nothing changes.
public struct DirectSessionBook: Sendable {
    /// Sessions kept per contact (the least recently used is dropped beyond it).
    public static let maxSessionsPerContact = 5
    /// Received message ids remembered per contact for deduplication (oldest forgotten first).
    public static let dedupeWindow = 256

    struct Contact: Sendable {
        var sessions: [OlmSession] = []
        var seen: [String] = []
        var seenSet: Set<String> = []

        mutating func remember(_ id: String) {
            seen.append(id)
            seenSet.insert(id)
            if seen.count > DirectSessionBook.dedupeWindow {
                seenSet.remove(seen.removeFirst())
            }
        }

        mutating func use(_ session: OlmSession, at index: Int?) {
            if let index { sessions.remove(at: index) }
            sessions.insert(session, at: 0)
            if sessions.count > DirectSessionBook.maxSessionsPerContact { sessions.removeLast() }
        }
    }

    var contacts: [String: Contact] = [:]

    /// An empty book.
    public init() {}

    /// The DIDs with any state.
    public var contactDIDs: [String] { contacts.keys.sorted() }

    /// How many sessions exist with `did`.
    public func sessionCount(with did: String) -> Int { contacts[did]?.sessions.count ?? 0 }

    /// The session ids with `did`, most recently used first.
    public func sessionIDs(with did: String) -> [String] { contacts[did]?.sessions.map(\.sessionId) ?? [] }

    /// Forgets everything about `did` (contact removed).
    public func removing(_ did: String) -> DirectSessionBook {
        var book = self
        book.contacts[did] = nil
        return book
    }

    /// The result of ``encrypt(_:to:account:ourDID:oneTimeKey:using:)``.
    public struct Encryption: Sendable {
        /// The envelope to send.
        public let envelope: Envelope
        /// The book to persist, then adopt.
        public let book: DirectSessionBook
    }

    /// Encrypts `message` for the contact of `theirRecord`.
    ///
    /// Uses the most recently used session; without one, opens an outbound session with
    /// `oneTimeKey` (from `/variance/identity/1.0.0`, signature checked), else the record's
    /// fallback key, else the first one-time key the record offered.
    ///
    /// - Parameters:
    ///   - theirRecord: The contact's verified identity record.
    ///   - account: Our Olm account (not changed by encrypting).
    ///   - ourDID: Our DID (the envelope's sender).
    ///   - rng: Randomness for the envelope id and Olm keys.
    public func encrypt(
        _ message: DirectMessage, to theirRecord: IdentityRecord, account: OlmAccount, ourDID: String,
        oneTimeKey: SignedOlmKey? = nil, using rng: inout some RandomNumberGenerator
    ) throws(MessagingError) -> Encryption {
        let plaintext = try DirectMessageCodec.encode(message)
        var contact = contacts[theirRecord.did] ?? Contact()
        var session: OlmSession
        let index: Int?
        if let first = contact.sessions.first {
            session = first
            index = 0
        } else {
            let key: Curve25519PublicKey
            if let oneTimeKey {
                guard oneTimeKey.isValid(kind: .oneTime, signer: theirRecord.ed25519Key) else {
                    throw .badSignature("one-time key")
                }
                key = oneTimeKey.key
            } else if let fallback = theirRecord.fallbackKey {
                key = fallback.key
            } else if let offered = theirRecord.oneTimeKeys.first {
                key = offered.key
            } else {
                throw .noKeyForNewSession
            }
            do {
                session = try account.createOutboundSession(
                    identityKey: theirRecord.curve25519Key, oneTimeKey: key, using: &rng)
            } catch {
                throw .olm(error)
            }
            index = nil
        }
        let olm: OlmMessage
        do {
            olm = try session.encrypt(plaintext, using: &rng)
        } catch {
            throw .olm(error)
        }
        contact.use(session, at: index)
        var book = self
        book.contacts[theirRecord.did] = contact
        var idRNG = rng
        let envelope = Envelope(
            senderDID: ourDID, senderKey: account.curve25519Key, recipientDID: theirRecord.did, message: olm,
            envelopeID: (0..<MessagingLimits.envelopeIDBytes).map { _ in UInt8.random(in: 0...255, using: &idRNG) })
        rng = idRNG
        return Encryption(envelope: envelope, book: book)
    }

    /// The result of ``decrypt(_:from:account:ourDID:using:)``.
    public struct Decryption: Sendable {
        /// The message received.
        public let message: DirectMessage
        /// The book to persist, then adopt.
        public let book: DirectSessionBook
        /// The account to persist, then adopt (a one-time key is gone when a session opened).
        public let account: OlmAccount
        /// Whether the envelope opened a new inbound session.
        public let openedSession: Bool
    }

    /// Decrypts an envelope from the contact of `theirRecord`.
    ///
    /// Checks that the envelope is addressed to `ourDID` and comes from the record's DID and
    /// Olm identity key; then a pre-key message goes to the session it opened or opens a new
    /// inbound one, and a normal message is tried on every session with the contact.
    ///
    /// - Throws: ``MessagingError/wrongRecipient``, ``MessagingError/senderMismatch``,
    ///   ``MessagingError/noSession``, ``MessagingError/olm(_:)``,
    ///   ``MessagingError/duplicate(id:)`` (the engine acknowledges it and shows nothing),
    ///   or a content decoding error. Nothing changes when it throws.
    public func decrypt(
        _ envelope: Envelope, from theirRecord: IdentityRecord, account: OlmAccount, ourDID: String,
        using rng: inout some RandomNumberGenerator
    ) throws(MessagingError) -> Decryption {
        guard envelope.recipientDID == ourDID else { throw .wrongRecipient }
        guard envelope.senderDID == theirRecord.did, envelope.senderKey == theirRecord.curve25519Key else {
            throw .senderMismatch
        }
        var contact = contacts[theirRecord.did] ?? Contact()
        var account = account
        var plaintext: [UInt8]?
        var session: OlmSession?
        var index: Int?
        var opened = false
        switch envelope.message {
        case .preKey(let pre):
            guard pre.identityKey == theirRecord.curve25519Key else { throw .senderMismatch }
            if let i = contact.sessions.firstIndex(where: { $0.matches(pre) }) {
                var s = contact.sessions[i]
                do { plaintext = try s.decrypt(envelope.message, using: &rng) } catch { throw .olm(error) }
                (session, index) = (s, i)
            } else {
                do {
                    let (s, p) = try account.createInboundSession(theirIdentityKey: theirRecord.curve25519Key, message: pre)
                    (session, plaintext, opened) = (s, p, true)
                } catch {
                    throw .olm(error)
                }
            }
        case .normal:
            var lastError: OlmError?
            for (i, candidate) in contact.sessions.enumerated() {
                var s = candidate
                do {
                    plaintext = try s.decrypt(envelope.message, using: &rng)
                    (session, index) = (s, i)
                    break
                } catch {
                    lastError = error
                }
            }
            if plaintext == nil { throw lastError.map { .olm($0) } ?? .noSession }
        }
        guard let plaintext, let session else { throw .noSession }
        let message = try DirectMessageCodec.decodeMessage(plaintext)
        guard !contact.seenSet.contains(message.id) else { throw .duplicate(id: message.id) }
        contact.remember(message.id)
        contact.use(session, at: index)
        var book = self
        book.contacts[theirRecord.did] = contact
        return Decryption(message: message, book: book, account: account, openedSession: opened)
    }
}
