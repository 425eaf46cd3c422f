/// The sending half of the double ratchet.
///
/// ```
///   outbound session ──► active ──(new remote ratchet key)──► inactive
///                          ▲                                     │
///                          └───────────(next encrypt)────────────┘
///   inbound session  ──► inactive
/// ```
/// `inactive` holds the root key and the peer's ratchet key; the next encryption makes a
/// fresh ratchet key pair, steps the root key and starts a new sending chain.
package enum SendingRatchet: Sendable {
    case active(rootKey: [UInt8], ratchetKey: Curve25519KeyPair, chainKey: [UInt8], index: UInt64)
    case inactive(rootKey: [UInt8], remoteRatchetKey: Curve25519PublicKey)

    /// The active state: as is, or after a DH ratchet step with a fresh key pair from `rng`.
    package func activeState(
        using rng: inout some RandomNumberGenerator
    ) throws(OlmError) -> (rootKey: [UInt8], ratchetKey: Curve25519KeyPair, chainKey: [UInt8], index: UInt64) {
        switch self {
        case .active(let root, let pair, let chain, let index):
            return (root, pair, chain, index)
        case .inactive(let root, let remote):
            let pair = Curve25519KeyPair(using: &rng)
            let step = OlmKDF.ratchet(rootKey: root, dh: try pair.diffieHellman(remote))
            return (step.root, pair, step.chain, 0)
        }
    }

    /// The next message key of the sending chain, its index and ratchet key; advances the chain.
    package mutating func nextMessageKey(
        using rng: inout some RandomNumberGenerator
    ) throws(OlmError) -> (key: [UInt8], index: UInt64, ratchetKey: Curve25519PublicKey) {
        let s = try activeState(using: &rng)
        let step = OlmKDF.chainStep(s.chainKey)
        self = .active(rootKey: s.rootKey, ratchetKey: s.ratchetKey, chainKey: step.nextChainKey, index: s.index + 1)
        return (step.messageKey, s.index, s.ratchetKey.publicKey)
    }

    /// The DH ratchet step for a new remote ratchet key: the new receiving chain and the
    /// inactive sending ratchet that follows it.
    package func advanced(
        to remote: Curve25519PublicKey, using rng: inout some RandomNumberGenerator
    ) throws(OlmError) -> (SendingRatchet, ReceiverChain) {
        let s = try activeState(using: &rng)
        let step = OlmKDF.ratchet(rootKey: s.rootKey, dh: try s.ratchetKey.diffieHellman(remote))
        return (.inactive(rootKey: step.root, remoteRatchetKey: remote), ReceiverChain(ratchetKey: remote, chainKey: step.chain))
    }
}
