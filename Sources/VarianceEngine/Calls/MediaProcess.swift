#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import VarianceMediaIPC
import VarianceProtos

/// One `variance-media` process: the engine's end of the pipes to one call's media.
///
/// The process is spawned with `posix_spawn`; its stdin and stdout are pipes to us, its stderr
/// is ours (logs). Commands go out as frames on a non-blocking pipe: a process that stops
/// reading is killed rather than let block the engine. Its frames are read on a thread of
/// their own, checked (``MediaFrameDecoder``, at most 64 KiB each, unknown kinds refused) and
/// handed out on ``reports`` in order; a frame we refuse or the end of its stdout finishes
/// ``reports``, and the process is reaped there. Statistics replies and `closed` are
/// answered here and never reach ``reports``.
final class MediaProcess: Sendable {
    /// Reports waiting for the engine; beyond this, newer ones are dropped.
    static let maximumQueuedReports = 1_024
    /// How long a statistics request or a graceful close may take.
    static let replyTimeout = Duration.seconds(3)

    let pid: pid_t
    /// What the process reports, in order; finishes when it exits (or sends a frame we refuse).
    let reports: AsyncStream<Variance_MediaReport>

    private struct State {
        var input: Int32
        var reaped = false
        var ended = false
        var nextRequest: UInt64 = 1
        var statistics: [UInt64: CheckedContinuation<CallMediaStatistics?, Never>] = [:]
        var closed: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    private init(pid: pid_t, input: Int32, output: Int32) {
        self.pid = pid
        state = Mutex(State(input: input))
        var sink: AsyncStream<Variance_MediaReport>.Continuation!
        reports = AsyncStream(bufferingPolicy: .bufferingOldest(Self.maximumQueuedReports)) { sink = $0 }
        let reports = sink!
        DispatchQueue.global().async { [self] in
            readReports(output, into: reports)
        }
    }

    /// Where the helper is: `media.helper`, else `VARIANCE_MEDIA_HELPER`, else `variance-media`
    /// beside the running executable.
    static func executablePath(configured: String?) -> String {
        if let configured { return configured }
        if let value = getenv("VARIANCE_MEDIA_HELPER"), value.pointee != 0 { return String(cString: value) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "variance-media" }
        let bytes = buffer[0..<count].map { UInt8(bitPattern: $0) }
        let exe = String(decoding: bytes, as: UTF8.self)
        guard let slash = exe.lastIndex(of: "/") else { return "variance-media" }
        return String(exe[..<slash]) + "/variance-media"
    }

    /// Starts the helper at `path`.
    static func spawn(_ path: String) throws(EngineError) -> MediaProcess {
        guard access(path, X_OK) == 0 else {
            throw EngineError.invalidConfiguration(
                "the media process \(path) is missing or not executable, so calls cannot start (install variance-media "
                    + "beside variance-engine, or set media.helper or VARIANCE_MEDIA_HELPER)")
        }
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw EngineError.internalError("pipe: \(errno)") }
        guard pipe(&fromChild) == 0 else {
            Glibc.close(toChild[0])
            Glibc.close(toChild[1])
            throw EngineError.internalError("pipe: \(errno)")
        }
        // Close-on-exec, so that another call's media process does not inherit this one's pipes
        // (it would keep our end of its stdin open past our death). The child gets them as 0 and 1.
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The engine blocks or ignores some signals for its own handlers; the helper starts clean.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        guard result == 0 else {
            Glibc.close(toChild[1])
            Glibc.close(fromChild[0])
            throw EngineError.invalidConfiguration("the media process \(path) cannot start (error \(result))")
        }
        _ = fcntl(toChild[1], F_SETFL, fcntl(toChild[1], F_GETFL) | O_NONBLOCK)
        return MediaProcess(pid: pid, input: toChild[1], output: fromChild[0])
    }

    /// Writes one command. False when the process is gone or has stopped reading (then it is
    /// killed: its reports end soon after).
    @discardableResult
    func send(_ body: Variance_MediaCommand.OneOf_Body) -> Bool {
        var command = Variance_MediaCommand()
        command.body = body
        guard let frame = try? MediaFrame.encode(command) else { return false }
        let stuck = state.withLock { state -> Bool? in
            guard state.input >= 0 else { return nil }
            var offset = 0
            while offset < frame.count {
                let written = frame.withUnsafeBytes { write(state.input, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return true }
                offset += written
            }
            return false
        }
        guard let stuck else { return false }
        if stuck { kill() }
        return !stuck
    }

    /// What the media did so far (nil: no media yet, or no answer within ``replyTimeout``).
    func statistics() async -> CallMediaStatistics? {
        let id = state.withLock { state in
            defer { state.nextRequest += 1 }
            return state.nextRequest
        }
        return await withCheckedContinuation { continuation in
            let waiting = state.withLock { state -> Bool in
                guard !state.ended else { return false }
                state.statistics[id] = continuation
                return true
            }
            guard waiting else { return continuation.resume(returning: nil) }
            var request = Variance_MediaStatsRequest()
            request.requestID = id
            guard send(.statsRequest(request)) else { return answer(id, nil) }
            Task { [weak self] in
                try? await Task.sleep(for: Self.replyTimeout)
                self?.answer(id, nil)
            }
        }
    }

    /// Ends the call's media: `close` (the sinks are closed, the transport too), then the end
    /// of its stdin. Killed if it has not answered within ``replyTimeout``, or has answered
    /// but not exited within another (a helper is never left behind).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { state -> Bool in
                guard !state.ended else { return false }
                state.closed.append(continuation)
                return true
            }
            guard waiting else { return continuation.resume() }
            if !send(.close(Variance_MediaClose())) { return closedAnswered() }
            Task { [weak self] in
                try? await Task.sleep(for: Self.replyTimeout)
                self?.closedAnswered()
            }
        }
        let answered = state.withLock { $0.ended }
        closeInput()
        guard answered else { return kill() }
        Task { [self] in
            try? await Task.sleep(for: Self.replyTimeout)
            kill()
        }
    }

    /// SIGKILL, unless the process has been reaped already (its pid may be someone else's now).
    func kill() {
        state.withLock { state in
            if !state.reaped { _ = Glibc.kill(pid, SIGKILL) }
        }
        closeInput()
    }

    private func closeInput() {
        state.withLock { state in
            if state.input >= 0 { Glibc.close(state.input) }
            state.input = -1
        }
    }

    private func answer(_ id: UInt64, _ value: CallMediaStatistics?) {
        state.withLock { $0.statistics.removeValue(forKey: id) }?.resume(returning: value)
    }

    private func closedAnswered() {
        let waiters = state.withLock { state in
            defer { state.closed = [] }
            return state.closed
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The reading thread: frames until the end of the process's stdout or one we refuse;
    /// then everyone waiting is answered, the process is reaped and ``reports`` finishes.
    private func readReports(_ fd: Int32, into reports: AsyncStream<Variance_MediaReport>.Continuation) {
        var decoder = MediaFrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        reading: while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            decoder.append(buffer[0..<count])
            do {
                while let payload = try decoder.next() {
                    let report = try MediaFrame.report(from: payload)
                    switch report.body {
                    case .stats(let reply)?: answer(reply.requestID, CallMediaStatistics(reply))
                    case .closed?:
                        state.withLock { $0.ended = true }
                        closedAnswered()
                    default: reports.yield(report)
                    }
                }
            } catch {
                // A frame we cannot trust: the process is not behaving; it goes.
                kill()
                break reading
            }
        }
        Glibc.close(fd)
        let (statistics, closed) = state.withLock { state in
            state.ended = true
            defer { state.statistics = [:]; state.closed = [] }
            return (state.statistics, state.closed)
        }
        for waiter in statistics.values { waiter.resume(returning: nil) }
        for waiter in closed { waiter.resume() }
        reports.finish()
        // Wait for the exit without reaping, then reap under the lock, so that `kill` never
        // signals a pid that has been reaped (and perhaps reused).
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        state.withLock { state in
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            state.reaped = true
        }
    }
}
