// Calls end to end: two `variance-engine` processes on loopback place an audio call (a
// 440 Hz tone each way: ICE, DTLS-SRTP, Opus), beside aiortc 1.16.0 (scripts/bench/calls_anchor.py)
// doing the same in the same run.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Foundation
import VarianceRPC

struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Audio calls between two engines: set-up time, first audio, tone-onset-to-sink latency, CPU per call; aiortc beside.")

    @Option(help: "The engine binary (default: variance-engine beside this program).")
    var engine: String?

    @Option(help: "Calls placed; medians are reported.")
    var rounds = 5

    @Option(help: "Seconds of each call over which CPU is measured.")
    var seconds = 5

    @Option(help: "The Python with aiortc (default: .venv-interop/bin/python of the repository).")
    var python: String?

    @Flag(help: "Skip the aiortc anchor.")
    var skipAnchor = false

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let binary = engine ?? (executableDirectory() + "/variance-engine")
        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer { removeTree(work) }
        let pair = try DMPair(binary: binary, work: work + "/pair")
        defer { pair.stop() }
        var setups: [Double] = [], firsts: [Double] = [], latencies: [Double] = [], cpus: [Double] = []
        for round in 0..<rounds {
            let sample = try measure(pair, round: round)
            setups.append(sample.setup)
            firsts.append(sample.firstAudio)
            latencies.append(sample.latency)
            cpus.append(sample.cpu)
            note("round \(round + 1): set-up \(fmt(sample.setup)) ms, first audio \(fmt(sample.firstAudio)) ms, "
                + "tone to sink \(fmt(sample.latency)) ms, CPU \(fmt(sample.cpu))% of a core per engine")
        }
        var anchor: JSON?
        if !skipAnchor { anchor = try runAnchor() }
        let ours: JSON = [
            "setupMs": .double(median(setups)), "firstAudioMs": .double(median(firsts)),
            "toneToSinkMs": .double(median(latencies)), "cpuPercent": .double(median(cpus)),
        ]
        if json {
            var object: JSONObject = ["bench": "calls", "rounds": .int(Int64(rounds)), "ours": ours]
            if let anchor { object["aiortc"] = anchor }
            print(JSON.object(object).compactString)
            return
        }
        func row(_ name: String, _ ours: Double, _ theirs: Double?, _ unit: String) -> String {
            let other = theirs.map { fmt($0) } ?? "-"
            let ratio = theirs.map { $0 > 0 ? fmt(ours / $0) : "-" } ?? "-"
            return "  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(fmt(ours).leftPad(9)) \(other.leftPad(9)) \(unit.padding(toLength: 12, withPad: " ", startingAt: 0)) \(ratio)"
        }
        print("audio calls on loopback, medians of \(rounds) (aiortc 1.16.0 beside; ratio = ours / aiortc)")
        print("  \("".padding(toLength: 34, withPad: " ", startingAt: 0)) \("ours".leftPad(9)) \("aiortc".leftPad(9))")
        print(row("set-up, start to active", median(setups), anchor?["setupMs"]?.doubleValue, "ms"))
        print(row("first decoded audio after active", median(firsts), anchor?["firstAudioMs"]?.doubleValue, "ms"))
        print(row("tone onset to the callee's sink", median(latencies), nil, "ms"))
        print(row("CPU per engine + media process", median(cpus), anchor?["cpuPercent"]?.doubleValue, "% of a core"))
    }

    struct Sample {
        var setup: Double
        var firstAudio: Double
        var latency: Double
        var cpu: Double
    }

    /// One call from alice to bob: bob accepts as soon as it rings.
    func measure(_ pair: DMPair, round: Int) throws -> Sample {
        let start = nowNs()
        _ = try pair.alice.sendRequest("calls.start", ["peer": .string(pair.bob.did), "source": ["audio": "tone:440"]])
        let incoming = try pair.bob.readUntil { $0["method"]?.stringValue == "call.incoming" }
        guard let call = incoming["params"]?["callId"]?.stringValue else { throw BenchError("no call id") }
        _ = try pair.bob.call("calls.accept", ["callId": .string(call), "source": ["audio": "tone:660"]])
        _ = try pair.alice.readUntil { value in
            value["method"]?.stringValue == "call.state" && value["params"]?["callId"]?.stringValue == call
                && value["params"]?["state"]?.stringValue == "active"
        }
        let setup = Double(nowNs() - start) / 1e6
        // Wait for the first audible sound at bob (the stats carry the media layer's clocks).
        var bobTiming: JSON?
        let deadline = nowNs() + 30_000_000_000
        while nowNs() < deadline {
            let stats = try pair.bob.call("calls.stats", ["callId": .string(call)])
            if stats["timing"]?["firstSoundAtNs"] != nil {
                bobTiming = stats["timing"]
                break
            }
            usleep(20_000)
        }
        guard let bobTiming, let heard = bobTiming["firstSoundAtNs"]?.intValue,
            let firstPlayed = bobTiming["firstAudioPlayedMs"]?.doubleValue
        else { throw BenchError("bob heard nothing") }
        let aliceTiming = try pair.alice.call("calls.stats", ["callId": .string(call)])["timing"]
        guard let sent = aliceTiming?["firstAudioSentAtNs"]?.intValue else { throw BenchError("alice sent nothing") }
        // CPU of both engines (each with its media process) over `seconds` of the call.
        let before = (cpuTime(pair.alice.child.pid), cpuTime(pair.bob.child.pid))
        let wall0 = nowNs()
        usleep(UInt32(seconds) * 1_000_000)
        let wall = Double(nowNs() - wall0) / 1e9
        let after = (cpuTime(pair.alice.child.pid), cpuTime(pair.bob.child.pid))
        let cpu = ((after.0 - before.0) + (after.1 - before.1)) / 2 / wall * 100
        _ = try pair.alice.call("calls.hangup", ["callId": .string(call)])
        _ = try pair.bob.readUntil { value in
            value["method"]?.stringValue == "call.state" && value["params"]?["callId"]?.stringValue == call
                && value["params"]?["state"]?.stringValue == "ended"
        }
        return Sample(setup: setup, firstAudio: firstPlayed, latency: Double(heard - sent) / 1e6, cpu: cpu)
    }

    /// User plus system CPU seconds so far of an engine and of its live children (its
    /// `variance-media` process: a call's media runs there), from /proc/<pid>/stat. The
    /// window is taken inside the call, so the child lives at both ends of it.
    func cpuTime(_ pid: pid_t) -> Double {
        var total = processCPU(pid)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = pid_t(entry), child != pid, parentPID(child) == pid else { continue }
            total += processCPU(child)
        }
        return total
    }

    /// The fields of /proc/<pid>/stat after the command (state is the first).
    func statFields(_ pid: pid_t) -> [Substring] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return [] }
        return text[text.index(after: close)...].split(separator: " ")
    }

    func parentPID(_ pid: pid_t) -> pid_t? {
        let fields = statFields(pid)
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    func processCPU(_ pid: pid_t) -> Double {
        let fields = statFields(pid)
        // After the command: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func runAnchor() throws -> JSON {
        let exe = executableDirectory()
        let scripts = ["scripts/bench/calls_anchor.py", exe + "/../../scripts/bench/calls_anchor.py"]
        guard let script = scripts.first(where: { access($0, R_OK) == 0 }) else {
            throw BenchError("no scripts/bench/calls_anchor.py (or pass --skip-anchor)")
        }
        let interpreters = [python].compactMap { $0 } + [".venv-interop/bin/python", exe + "/../../.venv-interop/bin/python"]
        guard let interpreter = interpreters.first(where: { access($0, X_OK) == 0 }) else {
            throw BenchError("no .venv-interop/bin/python: run scripts/interop-venv.sh, or pass --python (or --skip-anchor)")
        }
        note("aiortc anchor: \(interpreter) \(script)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [script, "--rounds", String(rounds), "--seconds", String(seconds)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let value = try? JSONParser.parse(Array(data)) else {
            throw BenchError("the aiortc anchor failed (status \(process.terminationStatus))")
        }
        return value
    }
}

extension RPCChild {
    /// Reads frames until one satisfies `matches`, and returns it.
    func readUntil(timeout: UInt64 = 60_000_000_000, _ matches: (JSON) -> Bool) throws -> JSON {
        let deadline = nowNs() + timeout
        while true {
            guard let line = try child.reader.nextLine(deadline: deadline) else {
                throw BenchError("\(name) ended or timed out\n\(tail(stderrPath))")
            }
            let value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            if matches(value) { return value }
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
