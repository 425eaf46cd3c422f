extension OlmAccount {
    /// The account encrypted with a 32-byte `key` (ChaChaPoly), for the engine to store.
    public func pickle(key: [UInt8]) throws(OlmError) -> [UInt8] {
        var rng = SystemRandom()
        return try pickle(key: key, using: &rng)
    }

    /// The account encrypted with `key`; the nonce comes from `rng`.
    public func pickle(key: [UInt8], using rng: inout some RandomNumberGenerator) throws(OlmError) -> [UInt8] {
        var w = PickleWriter()
        w.key(identity.secret)
        w.key(signingSecret)
        w.u64(nextKeyId)
        func write(_ k: OneTimeKey) { w.u64(k.id); w.key(k.pair.secret); w.u8(k.published ? 1 : 0) }
        w.u8(UInt8(oneTimeKeyStore.count))
        oneTimeKeyStore.forEach(write)
        for f in [fallback, previousFallback] {
            if let f { w.u8(1); write(f) } else { w.u8(0) }
        }
        return try Pickle.seal(w.bytes, kind: .account, key: key, using: &rng)
    }

    /// Restores an account from `pickle(key:)`.
    public init(pickle: [UInt8], key: [UInt8]) throws(OlmError) {
        var r = PickleReader(try Pickle.open(pickle, kind: .account, key: key))
        let identity = try Curve25519KeyPair(secret: r.key())
        let signing = try r.key()
        let nextKeyId = try r.u64()
        func read() throws(OlmError) -> OneTimeKey {
            OneTimeKey(id: try r.u64(), pair: try Curve25519KeyPair(secret: r.key()), published: try r.u8() != 0)
        }
        let n = Int(try r.u8())
        guard n <= Self.maxOneTimeKeys else { throw .badPickle("too many one-time keys") }
        var otks: [OneTimeKey] = []
        for _ in 0..<n { otks.append(try read()) }
        var fallbacks: [OneTimeKey?] = []
        for _ in 0..<2 { fallbacks.append(try r.u8() == 0 ? nil : try read()) }
        try r.finish()
        self.init(identity: identity, signingSecret: signing, oneTimeKeys: otks, nextKeyId: nextKeyId,
                  fallback: fallbacks[0], previousFallback: fallbacks[1])
    }
}
