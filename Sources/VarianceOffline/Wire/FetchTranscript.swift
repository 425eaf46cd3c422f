/// The bytes a recipient signs to prove it holds its mailbox key:
///
///     "variance-offline-fetch/1" ‖ relay identity ‖ recipient key (32) ‖ nonce (32)
///
/// The relay identity (its binary peer ID, say) binds the proof to one relay, the nonce to
/// one fetch. Only the identity has a variable length, and the two fields after it have
/// fixed lengths, so the concatenation reads only one way.
public enum FetchTranscript {
    /// The transcript for one challenge.
    ///
    /// - Parameters:
    ///   - serverIdentity: The relay's identity bytes, as both sides know them (at most
    ///     ``OfflineProtocol/maxServerIdentityBytes``).
    ///   - recipient: The mailbox key.
    ///   - nonce: The relay's 32-byte challenge.
    public static func bytes(serverIdentity: [UInt8], recipient: RecipientKey, nonce: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(OfflineProtocol.fetchDomain.count + serverIdentity.count + 64)
        out += OfflineProtocol.fetchDomain
        out += serverIdentity
        out += recipient.bytes
        out += nonce
        return out
    }
}
