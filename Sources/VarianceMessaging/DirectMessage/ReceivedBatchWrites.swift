/// The order in which the receiver writes a batch of decrypted direct messages, and where
/// the Olm state goes.
///
/// Decrypting a batch advances the receiver's Olm state past every message in it: once that
/// state is stored, the same ciphertexts come back as duplicates and are acknowledged
/// unread. So the state is written with the batch's last write and never before it: if any
/// write fails (a full disk) or the process dies in between, the stored state predates the
/// batch, the sender (or the relay) delivers it again, and it decrypts again. Texts are
/// deduplicated by message id and the other contents are idempotent, so a repeat is harmless.
///
/// Texts, from every sender of the batch (a relay's batch holds several), are stored in one
/// transaction, in batch order; the other contents follow in batch order.
public enum ReceivedBatchWrite: Sendable, Hashable {
    /// Store these texts (indices into the batch, in order) in one transaction; with
    /// `olmState`, the Olm state is written in that same transaction.
    case texts([Int], olmState: Bool)
    /// Act on the non-text message at this index.
    case other(Int)
    /// Write the Olm state alone (the batch's other writes are done).
    case olmState

    /// The writes for a batch whose message `i` is a text when `isText[i]`.
    public static func plan(isText: [Bool]) -> [ReceivedBatchWrite] {
        let texts = isText.indices.filter { isText[$0] }
        let others = isText.indices.filter { !isText[$0] }
        var writes: [ReceivedBatchWrite] = []
        if !texts.isEmpty { writes.append(.texts(texts, olmState: others.isEmpty)) }
        writes += others.map(ReceivedBatchWrite.other)
        if !others.isEmpty { writes.append(.olmState) }
        return writes
    }
}
