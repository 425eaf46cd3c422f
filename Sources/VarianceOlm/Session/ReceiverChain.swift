/// One receiving chain of the double ratchet: the peer's ratchet key, the chain key at
/// `index`, and the keys of messages skipped in this chain (at most `maxSkippedKeys`,
/// oldest dropped first).
package struct ReceiverChain: Sendable {
    /// Skipped message keys kept per chain (as vodozemac).
    package static let maxSkippedKeys = 40
    /// How far ahead of the chain a message may be (as vodozemac).
    package static let maxMessageGap: UInt64 = 2000

    package struct SkippedKey: Sendable {
        package var index: UInt64
        package var key: [UInt8]
    }

    package var ratchetKey: Curve25519PublicKey
    package var chainKey: [UInt8]
    package var index: UInt64
    package var skipped: [SkippedKey]

    package init(ratchetKey: Curve25519PublicKey, chainKey: [UInt8], index: UInt64 = 0, skipped: [SkippedKey] = []) {
        self.ratchetKey = ratchetKey
        self.chainKey = chainKey
        self.index = index
        self.skipped = skipped
    }

    /// Decrypts `message`; the chain changes only when it succeeds.
    package mutating func decrypt(_ message: NormalMessage) throws(OlmError) -> [UInt8] {
        let target = message.chainIndex
        if target < index {
            guard let pos = skipped.firstIndex(where: { $0.index == target }) else {
                throw .missingMessageKey(chainIndex: target)
            }
            let plaintext = try Self.open(message, messageKey: skipped[pos].key)
            skipped.remove(at: pos)
            return plaintext
        }
        let gap = target - index
        guard gap <= Self.maxMessageGap else { throw .messageGapTooLarge(gap: gap) }
        var step = OlmKDF.chainStep(chainKey)
        var i = index
        var newSkipped: [SkippedKey] = []
        while i < target {
            if target - i <= UInt64(Self.maxSkippedKeys) {
                newSkipped.append(SkippedKey(index: i, key: step.messageKey))
            }
            step = OlmKDF.chainStep(step.nextChainKey)
            i += 1
        }
        let plaintext = try Self.open(message, messageKey: step.messageKey)
        chainKey = step.nextChainKey
        index = target + 1
        skipped += newSkipped
        if skipped.count > Self.maxSkippedKeys { skipped.removeFirst(skipped.count - Self.maxSkippedKeys) }
        return plaintext
    }

    /// Verifies the MAC (constant time), then decrypts.
    package static func open(_ message: NormalMessage, messageKey: [UInt8]) throws(OlmError) -> [UInt8] {
        let cipher = OlmCipher(messageKey: messageKey)
        guard message.mac.count == NormalMessage.macLength,
            cipher.verifyMessageMAC(header: message.macHeader, ciphertext: message.ciphertext, tag: message.mac)
        else { throw .badMAC }
        return try cipher.decrypt(message.ciphertext)
    }
}
