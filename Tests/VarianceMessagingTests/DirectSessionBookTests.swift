import Testing
import VarianceIdentity
import VarianceOlm
@testable import VarianceMessaging

/// Alice and Bob passing bytes: records, envelopes, nothing else.
struct DirectSessionBookTests {
    struct Party {
        let identity: Identity
        var account: OlmAccount
        var book = DirectSessionBook()
        var contact: IdentityRecord?
        var received: [DirectMessage] = []
        var rng = SystemRandom()
        var next = 0

        init(_ name: String) {
            (identity, _) = Identity.create(username: name, now: 0)
            account = OlmAccount()
            account.generateOneTimeKeys(3)
            account.generateFallbackKey()
        }

        var did: String { identity.did }

        /// Our record's bytes, as served on `/variance/identity/1.0.0`.
        mutating func publish() -> [UInt8] {
            let signed = IdentityRecord.make(identity: identity, account: account, peerIDs: [identity.peerID],
                                             sequence: 1, now: 1_000)
            account.markKeysAsPublished()
            return signed.bytes
        }

        mutating func learn(_ bytes: [UInt8], did: String) throws {
            contact = try UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: did)
        }

        /// Encrypts and returns the envelope bytes; adopts the new book.
        mutating func send(_ content: Content, id: String? = nil, oneTimeKey: SignedOlmKey? = nil) throws -> [UInt8] {
            next += 1
            let message = DirectMessage(id: id ?? "\(did.suffix(4))-\(next)", sentAtMs: UInt64(next), content: content)
            let out = try book.encrypt(message, to: #require(contact), account: account, ourDID: did,
                                       oneTimeKey: oneTimeKey, using: &rng)
            book = out.book
            return try DirectMessageCodec.encode(out.envelope)
        }

        /// Decodes and decrypts envelope bytes; adopts book and account only on success.
        @discardableResult
        mutating func receive(_ bytes: [UInt8]) throws -> DirectMessage {
            let envelope = try DirectMessageCodec.decodeEnvelope(bytes)
            let out = try book.decrypt(envelope, from: #require(contact), account: account, ourDID: did, using: &rng)
            book = out.book
            account = out.account
            received.append(out.message)
            return out.message
        }
    }

    static func introduced() throws -> (Party, Party) {
        var alice = Party("alice"), bob = Party("bob")
        let a = alice.publish(), b = bob.publish()
        try alice.learn(b, did: bob.did)
        try bob.learn(a, did: alice.did)
        return (alice, bob)
    }

    @Test func conversation() throws {
        var (alice, bob) = try Self.introduced()
        let first = try alice.send(.text(body: "hi bob", replyTo: nil))
        #expect(try DirectMessageCodec.decodeEnvelope(first).message.messageType == 0)
        let m1 = try bob.receive(first)
        #expect(m1.content == .text(body: "hi bob", replyTo: nil))
        let reply = try bob.send(.text(body: "hi alice", replyTo: m1.id))
        #expect(try DirectMessageCodec.decodeEnvelope(reply).message.messageType == 1)
        #expect(try alice.receive(reply).content == .text(body: "hi alice", replyTo: m1.id))
        #expect(alice.book.sessionIDs(with: bob.did) == bob.book.sessionIDs(with: alice.did))

        for i in 0..<100 {
            if i % 2 == 0 {
                let m = try alice.receive(bob.send(.text(body: "b\(i)", replyTo: nil)))
                #expect(m.content == .text(body: "b\(i)", replyTo: nil))
            } else {
                let m = try bob.receive(alice.send(.text(body: "a\(i)", replyTo: nil)))
                #expect(m.content == .text(body: "a\(i)", replyTo: nil))
            }
        }
        let receipt = try bob.send(.deliveryReceipt(ids: [m1.id]))
        #expect(try alice.receive(receipt).content == .deliveryReceipt(ids: [m1.id]))
        #expect(try alice.receive(bob.send(.readReceipt(upTo: m1.id, ids: []))).content == .readReceipt(upTo: m1.id, ids: []))
        #expect(try bob.receive(alice.send(.typing(active: true))).content == .typing(active: true))
        #expect(try bob.receive(alice.send(.presence(.online, lastSeenMs: 5))).content == .presence(.online, lastSeenMs: 5))
        #expect(alice.book.sessionCount(with: bob.did) == 1 && bob.book.sessionCount(with: alice.did) == 1)

        let safetyA = SafetyNumber.compute(didA: alice.did, keyA: alice.account.curve25519Key.bytes,
                                           didB: bob.did, keyB: try #require(alice.contact).curve25519Key.bytes)
        let safetyB = SafetyNumber.compute(didA: bob.did, keyA: bob.account.curve25519Key.bytes,
                                           didB: alice.did, keyB: try #require(bob.contact).curve25519Key.bytes)
        #expect(safetyA == safetyB)
    }

    @Test func duplicatesRefused() throws {
        var (alice, bob) = try Self.introduced()
        let first = try alice.send(.text(body: "once", replyTo: nil))
        try bob.receive(first)
        // The same envelope again: refused, and Bob's state is unchanged.
        let before = bob.book.sessionIDs(with: alice.did)
        #expect(throws: MessagingError.self) { try bob.receive(first) }
        #expect(bob.book.sessionIDs(with: alice.did) == before)
        // A retry (the same message id re-encrypted) decrypts, and is refused as a duplicate.
        let retry = try alice.send(.text(body: "once", replyTo: nil), id: bob.received[0].id)
        #expect(throws: MessagingError.duplicate(id: bob.received[0].id)) { try bob.receive(retry) }
        let normal = try bob.send(.typing(active: true))
        try alice.receive(normal)
        #expect(throws: MessagingError.self) { try alice.receive(normal) }
        #expect(bob.received.count == 1 && alice.received.count == 1)
    }

    @Test func pickledMidConversation() throws {
        var (alice, bob) = try Self.introduced()
        try bob.receive(alice.send(.text(body: "1", replyTo: nil)))
        try alice.receive(bob.send(.text(body: "2", replyTo: nil)))
        let key = (0..<32).map { UInt8($0) }
        var rng = SystemRandom()
        let pickle = try bob.book.pickle(key: key, using: &rng)
        let accountPickle = try bob.account.pickle(key: key)
        bob.book = try DirectSessionBook(pickle: pickle, key: key)
        bob.account = try OlmAccount(pickle: accountPickle, key: key)
        #expect(throws: MessagingError.self) { try DirectSessionBook(pickle: pickle, key: [UInt8](repeating: 9, count: 32)) }
        var corrupted = pickle
        corrupted[corrupted.count / 2] ^= 1
        #expect(throws: MessagingError.self) { try DirectSessionBook(pickle: corrupted, key: key) }
        for i in 0..<10 {
            try bob.receive(alice.send(.text(body: "a\(i)", replyTo: nil)))
            try alice.receive(bob.send(.text(body: "b\(i)", replyTo: nil)))
        }
        // The dedupe window survived the pickle: Alice's first message id is still known.
        let first = bob.received[0].id
        let again = try alice.send(.text(body: "1", replyTo: nil), id: first)
        #expect(throws: MessagingError.duplicate(id: first)) { try bob.receive(again) }
    }

    @Test func openedWithRequestedOneTimeKey() throws {
        var (alice, bob) = try Self.introduced()
        bob.account.generateOneTimeKeys(1)
        let fresh = try #require(bob.account.oneTimeKeys.first)
        let signed = SignedOlmKey.sign(kind: .oneTime, keyID: fresh.keyId, key: fresh.key, account: bob.account)
        bob.account.markKeysAsPublished()
        let before = bob.account.oneTimeKeys.count
        try bob.receive(alice.send(.text(body: "via otk", replyTo: nil), oneTimeKey: signed))
        #expect(bob.account.oneTimeKeys.count == before)
        // A key signed as a fallback key is not accepted as a one-time key.
        var carol = Party("carol")
        carol.contact = alice.contact  // Bob's record
        let wrongKind = SignedOlmKey.sign(kind: .fallback, keyID: fresh.keyId, key: fresh.key, account: bob.account)
        #expect(throws: MessagingError.badSignature("one-time key")) {
            try carol.send(.typing(active: true), oneTimeKey: wrongKind)
        }
    }

    @Test func bothOpenAtOnceConverge() throws {
        var (alice, bob) = try Self.introduced()
        let fromAlice = try alice.send(.text(body: "a", replyTo: nil))
        let fromBob = try bob.send(.text(body: "b", replyTo: nil))
        try bob.receive(fromAlice)
        try alice.receive(fromBob)
        #expect(alice.book.sessionCount(with: bob.did) == 2)
        for i in 0..<6 {
            try bob.receive(alice.send(.text(body: "a\(i)", replyTo: nil)))
            try alice.receive(bob.send(.text(body: "b\(i)", replyTo: nil)))
        }
        #expect(alice.book.sessionIDs(with: bob.did).first == bob.book.sessionIDs(with: alice.did).first)
    }

    @Test func impostorRefused() throws {
        var (alice, bob) = try Self.introduced()
        var mallory = Party("mallory")
        _ = mallory.publish()
        mallory.contact = alice.contact  // Bob's record
        let forged = try mallory.send(.text(body: "I am alice", replyTo: nil))
        #expect(throws: MessagingError.senderMismatch) { try bob.receive(forged) }
        // An envelope Bob made for Alice is refused by Carol, who knows Bob.
        let toAlice = try bob.send(.typing(active: true))
        var carol = Party("carol")
        carol.contact = alice.contact
        #expect(throws: MessagingError.wrongRecipient) { try carol.receive(toAlice) }
    }
}
