// The measurements themselves. Each one drives a `Child` through the same code whatever the
// engine; times are taken on the monotonic clock in the reading thread.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Histogram
import VarianceRPC

/// One fresh process: spawn, one trivial request written at once, until its reply.
struct StartupSample {
    /// Spawn → `engine.ready` read, ns (nil for engines that send none).
    var readyNs: UInt64?
    /// Spawn → the reply to the first request read, ns.
    var firstReplyNs: UInt64
    /// `engine.ready` was the first line the engine wrote.
    var readyFirst: Bool
    /// VmRSS right after the first reply, KiB.
    var rssAtReplyKB: Int?
    /// Input closed → process reaped, ns; and its exit status.
    var exitNs: UInt64
    var exitStatus: Int32
    /// The first reply's result (to check the identity is there).
    var firstResult: JSON
}

func startupRun(_ spec: EngineSpec, stderrPath: String, timeoutNs: UInt64 = 20_000_000_000) throws(BenchError)
    -> StartupSample
{
    let request = spec.request(id: 1)
    let child = try Child(argv: spec.argv, environment: spec.environment, stderrPath: stderrPath)
    try child.send(request)
    let deadline = child.spawnedAt + timeoutNs
    var readyNs: UInt64?
    var readyFirst = false
    var lineIndex = 0
    do throws(BenchError) {
        while let line = try child.reader.nextLine(deadline: deadline) {
            let t = nowNs()
            defer { lineIndex += 1 }
            if readyNs == nil && spec.isReady(line) {
                readyNs = t - child.spawnedAt
                readyFirst = lineIndex == 0
                continue
            }
            guard spec.isResponse(line) else { continue }
            let replyNs = t - child.spawnedAt
            let result: JSON = spec.isEcho ? .null : try resultOf(line, what: "\(spec.label) first reply")
            let rss = child.rssKB
            if spec.sendsReady && readyNs == nil {
                throw BenchError("\(spec.label): replied before sending engine.ready")
            }
            let closed = nowNs()
            let (_, status, timedOut) = child.finish()
            if timedOut { throw BenchError("\(spec.label): did not exit within 10 s of end of input") }
            return StartupSample(
                readyNs: readyNs, firstReplyNs: replyNs, readyFirst: readyFirst, rssAtReplyKB: rss,
                exitNs: nowNs() - closed, exitStatus: status, firstResult: result)
        }
    } catch {
        child.finish(timeoutNs: 1_000_000_000)
        throw BenchError("\(spec.label): \(error.description)\n\(tail(stderrPath))")
    }
    child.finish(timeoutNs: 1_000_000_000)
    throw BenchError("\(spec.label): exited before replying\n\(tail(stderrPath))")
}

/// A long-lived engine process for the steady-state measurements.
final class Session {
    let spec: EngineSpec
    let child: Child
    let stderrPath: String
    private(set) var nextID: Int64 = 1
    /// Requests answered so far.
    private(set) var calls = 0
    /// Notifications seen (ours sends `engine.ready`).
    private(set) var notifications = 0
    /// Error responses seen.
    private(set) var errors = 0
    var idleRSSKB: Int?
    /// The idle resident set split: anonymous (heap, stacks) and file-backed (code, data of
    /// the binary and its libraries, shareable with other processes).
    var idleAnonKB: Int?
    var idleFileKB: Int?

    /// Spawns the engine, waits for its first reply, then for `idleNs` after the spawn, and
    /// reads VmRSS: the idle resident set.
    init(_ spec: EngineSpec, stderrPath: String, idleNs: UInt64) throws(BenchError) {
        self.spec = spec
        self.stderrPath = stderrPath
        child = try Child(argv: spec.argv, environment: spec.environment, stderrPath: stderrPath)
        do throws(BenchError) {
            _ = try roundTrip()
        } catch {
            throw BenchError("\(error.description)\n\(tail(stderrPath))")
        }
        let wake = child.spawnedAt + idleNs
        let now = nowNs()
        if wake > now { sleepNs(wake - now) }
        idleRSSKB = child.rssKB
        idleAnonKB = procStatusKB(pid: child.pid, key: "RssAnon")
        idleFileKB = procStatusKB(pid: child.pid, key: "RssFile")
    }

    /// One request, then wait for its reply; returns the round-trip time in ns.
    @inline(__always)
    func roundTrip() throws(BenchError) -> UInt64 {
        let request = spec.request(id: nextID)
        nextID += 1
        let t0 = nowNs()
        try child.send(request)
        let deadline = t0 + 20_000_000_000
        while let line = try child.reader.nextLine(deadline: deadline) {
            guard spec.isResponse(line) else {
                notifications += 1
                continue
            }
            let t1 = nowNs()
            calls += 1
            if !spec.isEcho && contains(line, "\"error\"") {
                errors += 1
                _ = try resultOf(line, what: "\(spec.label) reply")
            }
            return t1 - t0
        }
        throw BenchError("\(spec.label): exited while a request was waiting for its reply\n\(tail(stderrPath))")
    }

    struct Pipelined {
        var ns: UInt64
        var calls: Int
        var cpuTicks: Int
        var errors: Int
        var callsPerSecond: Double { Double(calls) / (Double(ns) / 1e9) }
    }

    /// `count` requests written at once by a writer thread while this thread reads the replies.
    func pipelined(_ count: Int) throws(BenchError) -> Pipelined {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 72)
        spec.appendRequests(firstID: nextID, count: count, to: &bytes)
        nextID += Int64(count)
        let writer = WriterThread(fd: child.input, bytes: bytes)
        let cpu0 = child.cpuTicks ?? 0
        let t0 = nowNs()
        try writer.start()
        let deadline = t0 + 300_000_000_000
        var answered = 0
        var errors = 0
        do throws(BenchError) {
            while answered < count {
                guard let line = try child.reader.nextLine(deadline: deadline) else {
                    throw BenchError("\(spec.label): exited after \(answered) of \(count) pipelined replies")
                }
                guard spec.isResponse(line) else {
                    notifications += 1
                    continue
                }
                answered += 1
                if !spec.isEcho && contains(line, "\"error\"") { errors += 1 }
            }
        } catch {
            child.closeInput()
            writer.join()
            throw BenchError("\(error.description)\n\(tail(stderrPath))")
        }
        let t1 = nowNs()
        writer.join()
        let cpu1 = child.cpuTicks ?? cpu0
        calls += answered
        self.errors += errors
        return Pipelined(ns: t1 - t0, calls: answered, cpuTicks: cpu1 - cpu0, errors: errors)
    }

    /// `count` sequential round trips recorded into `histogram` (ns).
    func sequential(_ count: Int, into histogram: inout Histogram<UInt64>) throws(BenchError) {
        for _ in 0..<count {
            _ = histogram.record(try roundTrip())
        }
    }
}
