import Dispatch
import Synchronization
import VarianceRPC

/// The requests being worked on, by id. Whoever removes an entry owns its reply, which
/// is how every request gets exactly one: the handler when it finishes, or
/// `$/cancelRequest`, which answers `-32800` at once and cancels the task.
final class InFlightRequests: Sendable {
    private struct Entry {
        var task: Task<Void, Never>?
        let sink: ReplySink
    }

    private let entries = Mutex<[RPCID: Entry]>([:])
    /// Entered per request in flight, so shutdown can wait for them all.
    let group = DispatchGroup()
    /// The most requests in flight at once; past it, requests get `-32004`.
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    enum Registration { case registered, duplicate, full }

    func register(_ id: RPCID, sink: ReplySink) -> Registration {
        let result = entries.withLock { entries -> Registration in
            if entries[id] != nil { return .duplicate }
            if entries.count >= limit { return .full }
            entries[id] = Entry(task: nil, sink: sink)
            return .registered
        }
        if case .registered = result { group.enter() }
        return result
    }

    /// Records the task; if the request was cancelled meanwhile, cancels it now.
    func attach(_ task: Task<Void, Never>, to id: RPCID) {
        let present = entries.withLock { entries -> Bool in
            guard entries[id] != nil else { return false }
            entries[id]!.task = task
            return true
        }
        if !present { task.cancel() }
    }

    /// Takes the entry and, if nobody took it first, answers through `answer` — and only
    /// then counts the request as done, so a drain never returns before its reply is out.
    func complete(_ id: RPCID, answer: (ReplySink) -> Void) {
        guard let sink = entries.withLock({ $0.removeValue(forKey: id)?.sink }) else { return }
        answer(sink)
        group.leave()
    }

    /// Takes the entry, cancels its task and answers through `answer` (with `-32800`).
    func cancel(_ id: RPCID, answer: (ReplySink) -> Void) {
        guard let entry = entries.withLock({ $0.removeValue(forKey: id) }) else { return }
        entry.task?.cancel()
        answer(entry.sink)
        group.leave()
    }

    var count: Int { entries.withLock { $0.count } }
}
