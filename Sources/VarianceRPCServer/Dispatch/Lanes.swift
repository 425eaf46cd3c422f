import Synchronization

/// Runs work of the same lane one after another, in the order it was submitted; work of
/// different lanes (or of no lane) runs concurrently.
final class Lanes: Sendable {
    private struct Tail {
        var generation: UInt64
        var task: Task<Void, Never>
    }

    private struct State {
        var tails: [String: Tail] = [:]
        var nextGeneration: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Starts `work` after everything submitted earlier to `lane`.
    func submit(lane: String?, _ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        guard let lane else { return Task { await work() } }
        return state.withLock { state in
            let previous = state.tails[lane]?.task
            let generation = state.nextGeneration
            state.nextGeneration += 1
            let task = Task {
                await previous?.value
                await work()
                self.retire(lane: lane, generation: generation)
            }
            state.tails[lane] = Tail(generation: generation, task: task)
            return task
        }
    }

    /// Forgets the lane once its last task is done, so lanes do not accumulate.
    private func retire(lane: String, generation: UInt64) {
        state.withLock { state in
            if state.tails[lane]?.generation == generation { state.tails[lane] = nil }
        }
    }

    /// Lanes with work queued or running.
    var activeCount: Int { state.withLock { $0.tails.count } }
}
