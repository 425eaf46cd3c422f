extension OlmSession {
    /// The session encrypted with a 32-byte `key` (ChaChaPoly), for the engine to store.
    public func pickle(key: [UInt8]) throws(OlmError) -> [UInt8] {
        var rng = SystemRandom()
        return try pickle(key: key, using: &rng)
    }

    /// The session encrypted with `key`; the nonce comes from `rng`.
    public func pickle(key: [UInt8], using rng: inout some RandomNumberGenerator) throws(OlmError) -> [UInt8] {
        var w = PickleWriter()
        w.key(sessionKeys.identityKey.bytes)
        w.key(sessionKeys.baseKey.bytes)
        w.key(sessionKeys.oneTimeKey.bytes)
        switch sending {
        case .active(let root, let pair, let chain, let index):
            w.u8(0); w.key(root); w.key(pair.secret); w.key(chain); w.u64(index)
        case .inactive(let root, let remote):
            w.u8(1); w.key(root); w.key(remote.bytes)
        }
        w.u8(UInt8(receivingChains.count))
        for c in receivingChains {
            w.key(c.ratchetKey.bytes); w.key(c.chainKey); w.u64(c.index)
            w.u8(UInt8(c.skipped.count))
            for s in c.skipped { w.u64(s.index); w.key(s.key) }
        }
        return try Pickle.seal(w.bytes, kind: .session, key: key, using: &rng)
    }

    /// Restores a session from `pickle(key:)`.
    public init(pickle: [UInt8], key: [UInt8]) throws(OlmError) {
        var r = PickleReader(try Pickle.open(pickle, kind: .session, key: key))
        let keys = SessionKeys(
            identityKey: try Curve25519PublicKey(bytes: r.key()), baseKey: try Curve25519PublicKey(bytes: r.key()),
            oneTimeKey: try Curve25519PublicKey(bytes: r.key()))
        let sending: SendingRatchet
        switch try r.u8() {
        case 0:
            sending = .active(rootKey: try r.key(), ratchetKey: try Curve25519KeyPair(secret: r.key()), chainKey: try r.key(), index: try r.u64())
        case 1:
            sending = .inactive(rootKey: try r.key(), remoteRatchetKey: try Curve25519PublicKey(bytes: r.key()))
        default: throw .badPickle("ratchet state")
        }
        let chainCount = Int(try r.u8())
        guard chainCount <= Self.maxReceivingChains else { throw .badPickle("too many chains") }
        var chains: [ReceiverChain] = []
        for _ in 0..<chainCount {
            var c = ReceiverChain(ratchetKey: try Curve25519PublicKey(bytes: r.key()), chainKey: try r.key(), index: try r.u64())
            let n = Int(try r.u8())
            guard n <= ReceiverChain.maxSkippedKeys else { throw .badPickle("too many skipped keys") }
            for _ in 0..<n { c.skipped.append(.init(index: try r.u64(), key: try r.key())) }
            chains.append(c)
        }
        try r.finish()
        self.init(sessionKeys: keys, sending: sending, receivingChains: chains)
    }
}
