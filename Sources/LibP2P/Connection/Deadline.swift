/// What ended first in ``withDeadline(_:_:expire:_:)``.
private enum DeadlineOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case expired
    case cancelled
}

/// Runs `operation` with `timeout` to finish it.
///
/// Stream reads and writes wait on continuations that task cancellation does not wake, so
/// cancelling alone cannot stop them. At the deadline (or when the calling task is
/// cancelled) `expire` runs first and must make the operation end; resetting its stream
/// does, since a reset wakes every reader and writer of the stream. Then the operation is
/// cancelled and ``LibP2PError/timeout(_:)`` (or `CancellationError`) is thrown.
///
/// An error the operation throws before the deadline is rethrown unchanged.
///
/// - Parameters:
///   - timeout: The time allowed.
///   - what: What was under way, for the timeout error (no peer data in it).
///   - expire: Ends the operation early (resets its stream).
///   - operation: The work.
/// - Returns: What `operation` returned.
func withDeadline<Value: Sendable>(
    _ timeout: Duration, _ what: String, expire: @escaping @Sendable () async -> Void,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = try await withThrowingTaskGroup(of: DeadlineOutcome<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            do { try await LoopTimer.sleep(for: timeout) } catch { return .cancelled }
            return .expired
        }
        defer { group.cancelAll() }
        // Two children: next() returns one of them. Errors of the loser are discarded.
        guard let first = try await group.next() else { return DeadlineOutcome<Value>.cancelled }
        if case .finished = first { return first }
        await expire()
        return first
    }
    switch outcome {
    case .finished(let value): return value
    case .expired: throw LibP2PError.timeout(what)
    case .cancelled: throw CancellationError()
    }
}
