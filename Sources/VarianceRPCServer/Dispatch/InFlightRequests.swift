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

    /// Takes the entry; returns its sink if nobody took it first.
    func complete(_ id: RPCID) -> ReplySink? {
        let sink = entries.withLock { $0.removeValue(forKey: id)?.sink }
        if sink != nil { group.leave() }
        return sink
    }

    /// Takes the entry and cancels its task; returns the sink to answer `-32800` on.
    func cancel(_ id: RPCID) -> ReplySink? {
        let entry = entries.withLock { $0.removeValue(forKey: id) }
        guard let entry else { return nil }
        entry.task?.cancel()
        group.leave()
        return entry.sink
    }

    var count: Int { entries.withLock { $0.count } }
}
