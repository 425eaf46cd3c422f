#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// A running engine: our ends of the pipes to its standard input and from its standard
/// output. Its standard error is ours.
///
/// The engine runs in its own process group, so a Ctrl-C meant for the client's prompt does
/// not reach it: the engine stops when its standard input closes (or when it is told to).
final class EngineProcess {
    /// The engine's process id.
    let pid: pid_t
    /// The write end of the engine's standard input (non-blocking), or -1 once closed.
    private(set) var inputFD: Int32
    /// The read end of the engine's standard output.
    let outputFD: Int32
    private var exitStatus: EngineExit?

    /// Starts `argv` (searched on `PATH` when `argv[0]` has no `/`).
    init(argv: [String]) throws(EngineUnavailable) {
        precondition(!argv.isEmpty)
        var toEngine: [Int32] = [-1, -1]
        var fromEngine: [Int32] = [-1, -1]
        guard Self.makePipe(&toEngine), Self.makePipe(&fromEngine) else {
            let code = errno
            for fd in toEngine + fromEngine where fd >= 0 { close(fd) }
            throw EngineUnavailable("Could not start the engine '\(argv[0])': \(Console.describe(errno: code)).")
        }
        defer {
            close(toEngine[0])
            close(fromEngine[1])
        }
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toEngine[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, fromEngine[1], STDOUT_FILENO)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Our own SIGPIPE and SIGINT dispositions are not the engine's business.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArgv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, environ)
        guard rc == 0 else {
            close(toEngine[1])
            close(fromEngine[0])
            throw EngineUnavailable("Could not start the engine '\(argv[0])': \(Console.describe(errno: rc)).")
        }
        self.pid = pid
        inputFD = toEngine[1]
        outputFD = fromEngine[0]
        _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        closeInput()
        close(outputFD)
    }

    /// Closes the engine's standard input: the engine finishes what is in flight and exits.
    func closeInput() {
        guard inputFD >= 0 else { return }
        close(inputFD)
        inputFD = -1
    }

    /// Waits for the engine to exit (once; later calls return the same status).
    func waitForExit() -> EngineExit {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        let result: EngineExit =
            (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        exitStatus = result
        return result
    }

    /// Asks the engine to stop (SIGTERM), for when it does not answer.
    func terminate() { kill(pid, SIGTERM) }

    /// A pipe whose two ends are closed on exec (the dup2'd copies in the engine are not).
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}
