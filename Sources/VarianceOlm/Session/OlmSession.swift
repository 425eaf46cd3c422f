import Crypto

/// An Olm session: the double ratchet between two accounts. A value: `encrypt` and
/// `decrypt` mutate it, and the engine persists it (see `pickle(key:)`) with the message
/// it produced. `decrypt` changes nothing when it throws.
public struct OlmSession: Sendable {
    /// Receiving chains kept (as vodozemac); the oldest is dropped first.
    package static let maxReceivingChains = 5

    /// The keys that identify this session.
    public let sessionKeys: SessionKeys
    package var sending: SendingRatchet
    package var receivingChains: [ReceiverChain]

    package init(sessionKeys: SessionKeys, sending: SendingRatchet, receivingChains: [ReceiverChain]) {
        self.sessionKeys = sessionKeys
        self.sending = sending
        self.receivingChains = receivingChains
    }

    /// SHA-256 of identity key ‖ base key ‖ one-time key, unpadded base64 (as vodozemac).
    public var sessionId: String {
        UnpaddedBase64.encode(SHA256.hash(data: sessionKeys.identityKey.bytes + sessionKeys.baseKey.bytes + sessionKeys.oneTimeKey.bytes))
    }

    /// Whether a message from the peer has been decrypted (then `encrypt` sends type 1).
    public var hasReceivedMessage: Bool { !receivingChains.isEmpty }

    /// Whether `message` opens this very session.
    public func matches(_ message: PreKeyMessage) -> Bool { message.sessionKeys == sessionKeys }

    /// Encrypts `plaintext` with the system random generator.
    public mutating func encrypt(_ plaintext: [UInt8]) throws(OlmError) -> OlmMessage {
        var rng = SystemRandom()
        return try encrypt(plaintext, using: &rng)
    }

    /// Encrypts `plaintext`; randomness (a new ratchet key, after a reply) comes from `rng`.
    public mutating func encrypt(_ plaintext: [UInt8], using rng: inout some RandomNumberGenerator) throws(OlmError) -> OlmMessage {
        var ratchet = sending
        let (key, index, ratchetKey) = try ratchet.nextMessageKey(using: &rng)
        let cipher = OlmCipher(messageKey: key)
        let ciphertext = cipher.encrypt(plaintext)
        let header = NormalMessage.macHeader(ratchetKey: ratchetKey, chainIndex: index, ciphertextCount: ciphertext.count)
        let message = NormalMessage(
            ratchetKey: ratchetKey, chainIndex: index, ciphertext: ciphertext,
            mac: cipher.messageMAC(header: header, ciphertext: ciphertext))
        sending = ratchet
        return hasReceivedMessage ? .normal(message) : .preKey(PreKeyMessage(keys: sessionKeys, message: message))
    }

    /// Decrypts `message` with the system random generator.
    public mutating func decrypt(_ message: OlmMessage) throws(OlmError) -> [UInt8] {
        var rng = SystemRandom()
        return try decrypt(message, using: &rng)
    }

    /// Decrypts `message`. Replayed, tampered, too old or too far ahead messages throw,
    /// and then the session is unchanged.
    public mutating func decrypt(_ message: OlmMessage, using rng: inout some RandomNumberGenerator) throws(OlmError) -> [UInt8] {
        let inner: NormalMessage
        switch message {
        case .normal(let m): inner = m
        case .preKey(let m): inner = m.message
        }
        return try decrypt(inner, using: &rng)
    }

    package mutating func decrypt(_ message: NormalMessage, using rng: inout some RandomNumberGenerator) throws(OlmError) -> [UInt8] {
        if let i = receivingChains.firstIndex(where: { $0.ratchetKey == message.ratchetKey }) {
            return try receivingChains[i].decrypt(message)
        }
        // A new ratchet key from the peer: a DH ratchet step, kept only if the message opens.
        let (ratchet, newChain) = try sending.advanced(to: message.ratchetKey, using: &rng)
        var chain = newChain
        let plaintext = try chain.decrypt(message)
        sending = ratchet
        receivingChains.append(chain)
        if receivingChains.count > Self.maxReceivingChains { receivingChains.removeFirst() }
        return plaintext
    }
}
