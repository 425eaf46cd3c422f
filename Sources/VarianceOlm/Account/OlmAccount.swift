import Crypto

/// An Olm account: a Curve25519 identity key, an Ed25519 signing (fingerprint) key,
/// one-time keys and a fallback key. A value; the engine persists it (`pickle(key:)`)
/// after every change, in particular after `createInboundSession` removed a one-time key.
public struct OlmAccount: Sendable {
    /// At most this many one-time keys are held; generating more drops the oldest (as vodozemac).
    public static let maxOneTimeKeys = 100

    package struct OneTimeKey: Sendable {
        package var id: UInt64
        package var pair: Curve25519KeyPair
        package var published: Bool
    }

    package var identity: Curve25519KeyPair
    package var signingSecret: [UInt8]
    package var oneTimeKeyStore: [OneTimeKey]
    package var nextKeyId: UInt64
    package var fallback: OneTimeKey?
    package var previousFallback: OneTimeKey?

    package init(identity: Curve25519KeyPair, signingSecret: [UInt8], oneTimeKeys: [OneTimeKey], nextKeyId: UInt64,
                 fallback: OneTimeKey?, previousFallback: OneTimeKey?) {
        self.identity = identity
        self.signingSecret = signingSecret
        self.oneTimeKeyStore = oneTimeKeys
        self.nextKeyId = nextKeyId
        self.fallback = fallback
        self.previousFallback = previousFallback
    }

    /// A new account with keys from the system random generator.
    public init() {
        var rng = SystemRandom()
        self.init(using: &rng)
    }

    /// A new account with keys from `rng`.
    public init(using rng: inout some RandomNumberGenerator) {
        self.init(identity: Curve25519KeyPair(using: &rng), signingSecret: rng.bytes(32), oneTimeKeys: [],
                  nextKeyId: 0, fallback: nil, previousFallback: nil)
    }

    /// The Curve25519 identity key.
    public var curve25519Key: Curve25519PublicKey { identity.publicKey }

    /// The Ed25519 fingerprint key.
    public var ed25519Key: Ed25519PublicKey {
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: signingSecret)
        return Ed25519PublicKey(unchecked: [UInt8](key.publicKey.rawRepresentation))
    }

    /// Signs `message` with the Ed25519 key (64 bytes).
    public func sign(_ message: [UInt8]) -> [UInt8] {
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: signingSecret)
        return [UInt8](try! key.signature(for: message))
    }

    /// The key id as vodozemac prints it: unpadded base64 of the 8-byte big-endian counter.
    static func keyIdString(_ id: UInt64) -> String {
        UnpaddedBase64.encode((0..<8).map { UInt8(truncatingIfNeeded: id >> (56 - 8 * UInt64($0))) })
    }

    /// The one-time keys not yet published, by key id, in creation order.
    public var oneTimeKeys: [(keyId: String, key: Curve25519PublicKey)] {
        oneTimeKeyStore.filter { !$0.published }.map { (Self.keyIdString($0.id), $0.pair.publicKey) }
    }

    /// Generates `count` one-time keys with the system random generator.
    public mutating func generateOneTimeKeys(_ count: Int) {
        var rng = SystemRandom()
        generateOneTimeKeys(count, using: &rng)
    }

    /// Generates `count` one-time keys; beyond `maxOneTimeKeys` the oldest are dropped.
    public mutating func generateOneTimeKeys(_ count: Int, using rng: inout some RandomNumberGenerator) {
        for _ in 0..<max(0, count) {
            oneTimeKeyStore.append(OneTimeKey(id: nextKeyId, pair: Curve25519KeyPair(using: &rng), published: false))
            nextKeyId += 1
        }
        if oneTimeKeyStore.count > Self.maxOneTimeKeys {
            oneTimeKeyStore.removeFirst(oneTimeKeyStore.count - Self.maxOneTimeKeys)
        }
    }

    /// The fallback key, if one exists and is not yet published.
    public var fallbackKey: (keyId: String, key: Curve25519PublicKey)? {
        guard let f = fallback, !f.published else { return nil }
        return (Self.keyIdString(f.id), f.pair.publicKey)
    }

    /// Makes a new fallback key with the system random generator.
    public mutating func generateFallbackKey() {
        var rng = SystemRandom()
        generateFallbackKey(using: &rng)
    }

    /// Makes a new fallback key; the previous one stays usable until `forgetPreviousFallbackKey`.
    public mutating func generateFallbackKey(using rng: inout some RandomNumberGenerator) {
        previousFallback = fallback
        fallback = OneTimeKey(id: nextKeyId, pair: Curve25519KeyPair(using: &rng), published: false)
        nextKeyId += 1
    }

    /// Drops the previous fallback key.
    public mutating func forgetPreviousFallbackKey() { previousFallback = nil }

    /// Marks all one-time keys and the fallback key as published.
    public mutating func markKeysAsPublished() {
        for i in oneTimeKeyStore.indices { oneTimeKeyStore[i].published = true }
        fallback?.published = true
    }

    /// An outbound session to the holder of `identityKey` with their `oneTimeKey`
    /// (or fallback key), with the system random generator.
    public func createOutboundSession(identityKey: Curve25519PublicKey, oneTimeKey: Curve25519PublicKey) throws(OlmError) -> OlmSession {
        var rng = SystemRandom()
        return try createOutboundSession(identityKey: identityKey, oneTimeKey: oneTimeKey, using: &rng)
    }

    /// An outbound session: 3DH with a fresh base key, then a fresh ratchet key.
    public func createOutboundSession(
        identityKey: Curve25519PublicKey, oneTimeKey: Curve25519PublicKey, using rng: inout some RandomNumberGenerator
    ) throws(OlmError) -> OlmSession {
        let base = Curve25519KeyPair(using: &rng)
        let ratchetKey = Curve25519KeyPair(using: &rng)
        let secret = try identity.diffieHellman(oneTimeKey) + base.diffieHellman(identityKey) + base.diffieHellman(oneTimeKey)
        let (root, chain) = OlmKDF.rootAndChain(sharedSecret: secret)
        let keys = SessionKeys(identityKey: identity.publicKey, baseKey: base.publicKey, oneTimeKey: oneTimeKey)
        return OlmSession(sessionKeys: keys, sending: .active(rootKey: root, ratchetKey: ratchetKey, chainKey: chain, index: 0),
                          receivingChains: [])
    }

    /// An inbound session from a pre-key message, with the plaintext of that message. The
    /// one-time key used is removed (a fallback key is kept); on error nothing changes.
    /// `theirIdentityKey`, when given, must equal the message's identity key.
    public mutating func createInboundSession(
        theirIdentityKey: Curve25519PublicKey? = nil, message: PreKeyMessage
    ) throws(OlmError) -> (session: OlmSession, plaintext: [UInt8]) {
        if let theirIdentityKey, theirIdentityKey != message.identityKey { throw .identityKeyMismatch }
        let otkIndex = oneTimeKeyStore.firstIndex { $0.pair.publicKey == message.oneTimeKey }
        let pair: Curve25519KeyPair
        if let otkIndex {
            pair = oneTimeKeyStore[otkIndex].pair
        } else if let f = fallback, f.pair.publicKey == message.oneTimeKey {
            pair = f.pair
        } else if let f = previousFallback, f.pair.publicKey == message.oneTimeKey {
            pair = f.pair
        } else {
            throw .unknownOneTimeKey
        }
        let secret = try pair.diffieHellman(message.identityKey) + identity.diffieHellman(message.baseKey)
            + pair.diffieHellman(message.baseKey)
        let (root, chain) = OlmKDF.rootAndChain(sharedSecret: secret)
        var session = OlmSession(
            sessionKeys: message.sessionKeys,
            sending: .inactive(rootKey: root, remoteRatchetKey: message.message.ratchetKey),
            receivingChains: [ReceiverChain(ratchetKey: message.message.ratchetKey, chainKey: chain)])
        let plaintext = try session.receivingChains[0].decrypt(message.message)
        if let otkIndex { oneTimeKeyStore.remove(at: otkIndex) }
        return (session, plaintext)
    }
}
