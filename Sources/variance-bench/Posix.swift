// The process and I/O layer of the benchmark: posix_spawn with pipes, a buffered line reader,
// a writer thread, /proc readers and a monotonic clock. Everything here is plain Glibc so that
// the harness adds as little as possible to what it measures, and so that every engine is
// driven by exactly the same code.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Nanoseconds on the monotonic clock.
@inline(__always)
func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

func sleepNs(_ ns: UInt64) {
    var request = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

func errnoString(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Reads a whole (small) file such as /proc/<pid>/status; nil if it cannot be opened.
func readSmallFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 8192)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

/// The `KEY:   1234 kB` value of /proc/<pid>/status, in KiB.
func procStatusKB(pid: pid_t, key: String) -> Int? {
    guard let bytes = readSmallFile("/proc/\(pid)/status") else { return nil }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(key + ":") {
        let digits = line.dropFirst(key.count + 1).filter { $0.isNumber }
        return Int(digits)
    }
    return nil
}

/// utime + stime of a process from /proc/<pid>/stat, in clock ticks.
func procCPUTicks(pid: pid_t) -> Int? {
    guard let bytes = readSmallFile("/proc/\(pid)/stat"),
        let close = bytes.lastIndex(of: UInt8(ascii: ")"))
    else { return nil }
    // After "pid (comm)" come fields 3... ; utime is field 14, stime field 15.
    let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count > 12,
        let utime = Int(String(decoding: fields[fields.startIndex + 11], as: UTF8.self)),
        let stime = Int(String(decoding: fields[fields.startIndex + 12], as: UTF8.self))
    else { return nil }
    return utime + stime
}

let clockTicksPerSecond: Int = sysconf(Int32(_SC_CLK_TCK))

/// The environment of this process, as `KEY=VALUE` strings (read from /proc, which avoids
/// touching the C global `environ` from Swift 6).
func currentEnvironment() -> [String] {
    guard let bytes = readSmallFile("/proc/self/environ") else { return [] }
    return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
}

/// The environment with `overrides` (KEY=VALUE) replacing or adding entries.
func environment(overriding overrides: [String]) -> [String] {
    let keys = Set(overrides.map { $0.prefix(while: { $0 != "=" }) })
    return currentEnvironment().filter { !keys.contains($0.prefix(while: { $0 != "=" })) } + overrides
}

/// A buffered reader of newline-terminated lines from a non-blocking fd.
/// A returned line (without its `\n`) stays valid until the next call.
final class LineReader {
    let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private(set) var eof = false
    /// Bytes read so far.
    private(set) var bytesRead = 0

    init(fd: Int32, capacity: Int = 1 << 20) {
        self.fd = fd
        buffer = .allocate(byteCount: capacity, alignment: 16)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { buffer.deallocate() }

    /// The next line, or nil at end of input. Throws on timeout (deadline in `nowNs()` time)
    /// or a line longer than the buffer.
    @inline(__always)
    func nextLine(deadline: UInt64) throws(BenchError) -> UnsafeRawBufferPointer? {
        while true {
            if start < end {
                let base = buffer.baseAddress! + start
                if let nl = memchr(base, 0x0A, end - start) {
                    let length = UnsafeRawPointer(nl) - UnsafeRawPointer(base)
                    start += length + 1
                    return UnsafeRawBufferPointer(start: base, count: length)
                }
            }
            if eof {
                // A last line without a newline: hand it out once.
                if start < end {
                    let line = UnsafeRawBufferPointer(start: buffer.baseAddress! + start, count: end - start)
                    start = end
                    return line
                }
                return nil
            }
            try fill(deadline: deadline)
        }
    }

    private func fill(deadline: UInt64) throws(BenchError) {
        if start > 0 {
            if start < end { memmove(buffer.baseAddress!, buffer.baseAddress! + start, end - start) }
            end -= start
            start = 0
        }
        guard end < buffer.count else { throw BenchError("a line longer than \(buffer.count) bytes") }
        while true {
            let n = read(fd, buffer.baseAddress! + end, buffer.count - end)
            if n > 0 {
                end += n
                bytesRead += n
                return
            }
            if n == 0 {
                eof = true
                return
            }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw BenchError("read: \(errnoString())") }
            let now = nowNs()
            guard now < deadline else { throw BenchError("timed out waiting for output") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            _ = poll(&pfd, 1, ms)
        }
    }
}

/// Writes all of `bytes` to a blocking fd; false if the reader went away.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

/// A thread that writes one buffer to an fd (the pipelined writer).
final class WriterThread: @unchecked Sendable {
    private let fd: Int32
    private let bytes: UnsafeMutableRawBufferPointer
    private var thread = pthread_t()
    private(set) var ok = false

    init(fd: Int32, bytes: [UInt8]) {
        self.fd = fd
        self.bytes = .allocate(byteCount: bytes.count, alignment: 16)
        self.bytes.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
    }

    deinit { bytes.deallocate() }

    func start() throws(BenchError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            let writer = Unmanaged<WriterThread>.fromOpaque(context!).takeRetainedValue()
            writer.ok = writeAll(writer.fd, UnsafeRawBufferPointer(writer.bytes))
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<WriterThread>.fromOpaque(context).release()
            throw BenchError("pthread_create: \(errnoString(rc))")
        }
    }

    func join() { pthread_join(thread, nil) }
}

/// A child process whose stdin and stdout are pipes to us; its stderr goes to a file.
final class Child {
    let pid: pid_t
    /// Our end of its standard input (blocking).
    private(set) var input: Int32
    /// Our end of its standard output.
    let reader: LineReader
    /// `nowNs()` just before posix_spawn.
    let spawnedAt: UInt64
    private var reaped = false
    private(set) var exitStatus: Int32 = 0

    init(argv: [String], environment env: [String], stderrPath: String) throws(BenchError) {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        // Only the main thread spawns, so setting FD_CLOEXEC after pipe() races with nothing.
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else {
            throw BenchError("pipe2: \(errnoString())")
        }
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)

        // We ignore SIGPIPE; the child must get the default disposition back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnv { free(p) }
        }
        var pid = pid_t()
        spawnedAt = nowNs()
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        close(toChild[0])
        close(fromChild[1])
        guard rc == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw BenchError("posix_spawn \(argv[0]): \(errnoString(rc))")
        }
        self.pid = pid
        input = toChild[1]
        reader = LineReader(fd: fromChild[0])
    }

    deinit {
        if !reaped {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        if input >= 0 { close(input) }
        close(reader.fd)
    }

    func send(_ bytes: [UInt8]) throws(BenchError) {
        let ok = bytes.withUnsafeBytes { writeAll(input, $0) }
        guard ok else { throw BenchError("write to pid \(pid): \(errnoString())") }
    }

    func closeInput() {
        if input >= 0 {
            close(input)
            input = -1
        }
    }

    var rssKB: Int? { procStatusKB(pid: pid, key: "VmRSS") }
    var hwmKB: Int? { procStatusKB(pid: pid, key: "VmHWM") }
    var cpuTicks: Int? { procCPUTicks(pid: pid) }

    /// Closes its input, reads what is left of its output until end of file, and reaps it.
    /// Returns the lines it still wrote and its exit status (128+signal if killed). A child
    /// still running after `timeoutNs` is killed.
    @discardableResult
    func finish(timeoutNs: UInt64 = 10_000_000_000) -> (lines: Int, status: Int32, timedOut: Bool) {
        closeInput()
        let deadline = nowNs() + timeoutNs
        var lines = 0
        var timedOut = false
        do {
            while try reader.nextLine(deadline: deadline) != nil { lines += 1 }
        } catch {
            timedOut = true
            kill(pid, SIGKILL)
        }
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if nowNs() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            sleepNs(1_000_000)
        }
        reaped = true
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; decode by hand.
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return (lines, exitStatus, timedOut)
    }
}

/// True if `needle` occurs in `haystack`.
/// (memchr for the first byte, memcmp for the rest; Glibc's memmem is not visible to Swift
/// without _GNU_SOURCE.)
@inline(__always)
func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
    let n = needle.utf8CodeUnitCount
    guard n > 0, haystack.count >= n, let base = haystack.baseAddress else { return n == 0 }
    let first = Int32(needle.utf8Start.pointee)
    var offset = 0
    let last = haystack.count - n
    while offset <= last {
        guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
        let at = UnsafeRawPointer(hit) - base
        if memcmp(base + at, needle.utf8Start, n) == 0 { return true }
        offset = at + 1
    }
    return false
}
