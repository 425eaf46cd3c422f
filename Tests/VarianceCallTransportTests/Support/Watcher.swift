/// Collects everything an `AsyncStream` yields, so a test can wait for a condition over what
/// has arrived so far, with a deadline instead of a sleep.
actor Watcher<Element: Sendable> {
    private(set) var received: [Element] = []
    private var waiters:
        [Int: (predicate: @Sendable ([Element]) -> Bool, continuation: CheckedContinuation<Bool, Never>, deadline: Task<Void, Never>?)] =
            [:]
    private var nextID = 0
    private var finished = false

    init(_ stream: AsyncStream<Element>) {
        Task { await self.consume(stream) }
    }

    private func consume(_ stream: AsyncStream<Element>) async {
        for await element in stream {
            received.append(element)
            check()
        }
        finished = true
        check()
    }

    private func check() {
        for (id, waiter) in waiters where waiter.predicate(received) || finished {
            waiters[id] = nil
            waiter.deadline?.cancel()
            waiter.continuation.resume(returning: waiter.predicate(received))
        }
    }

    /// True once `predicate` holds over everything received; false at the deadline or when the
    /// stream finished without it.
    func wait(timeout: Duration = .seconds(20), until predicate: @escaping @Sendable ([Element]) -> Bool) async -> Bool {
        if predicate(received) { return true }
        if finished { return false }
        let id = nextID
        nextID += 1
        return await withCheckedContinuation { continuation in
            // The deadline is cancelled once the wait is over: a sleeping deadline task held
            // the watcher, and with it every packet received, to the end of the process
            // (LeakSanitizer then reported the RTCP ones, whose `.rtcp` enum tag sits in the
            // pointer's top bit, as leaked).
            let deadline = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                await self?.expire(id)
            }
            waiters[id] = (predicate, continuation, deadline)
        }
    }

    private func expire(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: false)
    }
}
