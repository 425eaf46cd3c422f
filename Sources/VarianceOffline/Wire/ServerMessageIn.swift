/// A relay message as the client decoded it, every field checked against the client's
/// ``OfflineLimits``.
package enum ServerMessageIn: Sendable, Equatable {
    /// The answer to one deposit. `envelopeID` is empty when the relay could not read it.
    case depositResult(envelopeID: [UInt8], status: OfflineStatus, retryAfterSeconds: UInt32)
    /// 32 fresh random bytes to sign.
    case challenge(nonce: [UInt8])
    /// Stored envelopes in deposit order; empty means the mailbox is drained.
    case batch([FetchedEnvelope])
    /// The relay refuses the stream and closes it.
    case failure(OfflineStatus, retryAfterSeconds: UInt32)
}
