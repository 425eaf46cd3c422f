import Synchronization
import VarianceRPC

/// Where the reply to one request goes: straight out, or into a batch's reply array.
enum ReplySink: Sendable {
    case single(Framing)
    case batch(BatchReply, index: Int)

    /// Delivers a reply (or nil for a notification inside a batch, which gets none).
    func deliver(_ reply: JSON?, to writer: OutputWriter) {
        switch self {
        case .single(let framing):
            if let reply { writer.enqueue(reply, framing: framing) }
        case .batch(let batch, let index):
            batch.fill(index, with: reply, writer: writer)
        }
    }
}

/// Collects the replies of a batch and sends them as one array when the last arrives
/// (JSON-RPC 2.0 §6). A batch of notifications only gets no reply at all.
final class BatchReply: Sendable {
    private struct Slots {
        var replies: [JSON?]
        var remaining: Int
    }

    private let slots: Mutex<Slots>
    private let framing: Framing

    init(count: Int, framing: Framing) {
        slots = Mutex(Slots(replies: Array(repeating: nil, count: count), remaining: count))
        self.framing = framing
    }

    func fill(_ index: Int, with reply: JSON?, writer: OutputWriter) {
        let complete = slots.withLock { slots -> [JSON]? in
            slots.replies[index] = reply
            slots.remaining -= 1
            return slots.remaining == 0 ? slots.replies.compactMap { $0 } : nil
        }
        if let complete, !complete.isEmpty {
            writer.enqueue(.array(complete), framing: framing)
        }
    }
}
