import NIOCore
import NIOPosix
import Synchronization

/// Sleeps on a NIO event loop's timer instead of `Task.sleep`.
///
/// Cancelling a `Task.sleep` on Linux wakes the sleeper at once, but the timer and its job
/// stay queued in Dispatch until the original deadline: every cancelled deadline of a
/// connection (the handshake's 10 s, each stream's negotiation, each relay exchange's
/// 15 s) kept about 0.8 KB for that long. A NIO scheduled task is removed from its loop's
/// timer heap when cancelled, so a deadline that was not needed costs nothing afterwards.
enum LoopTimer {
    /// Waits `duration`; throws `CancellationError` as soon as the task is cancelled.
    static func sleep(for duration: Duration, on loop: (any EventLoop)? = nil) async throws {
        let loop = loop ?? MultiThreadedEventLoopGroup.singleton.any()
        let pending = PendingTimer()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let scheduled = loop.scheduleTask(in: .nanoseconds(duration.nanoseconds)) {}
                scheduled.futureResult.whenComplete { result in
                    switch result {
                    case .success: continuation.resume()
                    case .failure: continuation.resume(throwing: CancellationError())
                    }
                }
                if !pending.arm(scheduled) { scheduled.cancel() }
            }
        } onCancel: {
            pending.cancel()
        }
    }
}

/// The timer of one ``LoopTimer/sleep(for:on:)``, as the cancellation handler sees it.
private final class PendingTimer: Sendable {
    private enum State {
        case starting
        case armed(Scheduled<Void>)
        case cancelled
    }

    private let state = Mutex<State>(.starting)

    /// Records the timer; false if the sleep was cancelled first (the caller cancels it).
    func arm(_ scheduled: Scheduled<Void>) -> Bool {
        state.withLock { state in
            if case .cancelled = state { return false }
            state = .armed(scheduled)
            return true
        }
    }

    func cancel() {
        let scheduled = state.withLock { state -> Scheduled<Void>? in
            defer { state = .cancelled }
            if case .armed(let scheduled) = state { return scheduled }
            return nil
        }
        scheduled?.cancel()
    }
}
