// What the benchmark found, as a table for people and as JSON for scripts.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Histogram
import VarianceRPC

final class EngineResults {
    let spec: EngineSpec
    let path: String
    var version: String?
    var setupNote: String?
    var identityState: String?
    var startup: [StartupSample] = []
    /// The resident set `idleSeconds` after the spawn of each idle process (the last is the
    /// long-lived one): VmRSS, RssAnon, RssFile in KiB.
    var idleSamples: [(rss: Int, anon: Int, file: Int)] = []
    /// The long-lived process's idle VmRSS, against which its growth after the calls is read.
    var longLivedIdleKB: Int?
    var pipelined: [Session.Pipelined] = []
    var harness: [Session.Pipelined] = []
    var roundTrips = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var totalCalls = 0
    var rssAfterKB: Int?
    var hwmKB: Int?
    var errors = 0
    var notifications = 0
    var finalExit = ""

    init(spec: EngineSpec, path: String) {
        self.spec = spec
        self.path = path
    }

    var readyMs: Summary? { Summary(startup.compactMap { $0.readyNs }.map { Double($0) / 1e6 }) }
    var firstReplyMs: Summary? { Summary(startup.map { Double($0.firstReplyNs) / 1e6 }) }
    var exitMs: Summary? { Summary(startup.map { Double($0.exitNs) / 1e6 }) }
    var rssAtReplyMiB: Summary? { Summary(startup.compactMap { $0.rssAtReplyKB }.map { Double($0) / 1024 }) }
    var startupExitStatuses: [Int32] { Array(Set(startup.map(\.exitStatus))).sorted() }
    var readyAlwaysFirst: Bool { startup.allSatisfy { $0.readyFirst } }
    var idleRSSMiB: Summary? { Summary(idleSamples.map { Double($0.rss) / 1024 }) }
    /// The idle sample at the median VmRSS (for its split into anonymous and file-backed).
    var medianIdleSample: (rss: Int, anon: Int, file: Int)? {
        let sorted = idleSamples.sorted { $0.rss < $1.rss }
        return sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
    }
    var callsPerSecond: Summary? { Summary(pipelined.map(\.callsPerSecond)) }
    var harnessLinesPerSecond: Summary? { Summary(harness.map(\.callsPerSecond)) }
    /// Server CPU (utime+stime) per pipelined call, µs, over all rounds.
    var cpuPerCallUs: Double? {
        let calls = pipelined.reduce(0) { $0 + $1.calls }
        guard calls > 0 else { return nil }
        let ticks = pipelined.reduce(0) { $0 + $1.cpuTicks }
        return Double(ticks) / Double(clockTicksPerSecond) / Double(calls) * 1e6
    }
    var cpuTicks: Int { pipelined.reduce(0) { $0 + $1.cpuTicks } }
    var p50Us: Double? { roundTrips.totalCount > 0 ? Double(roundTrips.valueAtPercentile(50)) / 1e3 : nil }
    var p99Us: Double? { roundTrips.totalCount > 0 ? Double(roundTrips.valueAtPercentile(99)) / 1e3 : nil }
    var rssAfterMiB: Double? { rssAfterKB.map { Double($0) / 1024 } }
    var growthMiB: Double? {
        guard let a = rssAfterKB, let b = longLivedIdleKB else { return nil }
        return Double(a - b) / 1024
    }
}

final class Machine {
    var cpus: Int
    var cpuModel: String
    var memTotalMiB: Double
    var kernel: String
    var loadBefore: String
    var loadAfter: String = ""

    init(cpus: Int, cpuModel: String, memTotalMiB: Double, kernel: String, loadBefore: String) {
        self.cpus = cpus
        self.cpuModel = cpuModel
        self.memTotalMiB = memTotalMiB
        self.kernel = kernel
        self.loadBefore = loadBefore
    }

    static func loadAverage() -> String {
        guard let bytes = readSmallFile("/proc/loadavg") else { return "?" }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func current() -> Machine {
        var model = "?"
        if let bytes = readSmallFile("/proc/cpuinfo") {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    model = line[line.index(after: colon)...].trimmingPrefix(" ").description
                }
                break
            }
        }
        var kernel = "?"
        var u = utsname()
        if uname(&u) == 0 {
            kernel = withUnsafeBytes(of: &u.release) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        let memKB = readSmallFile("/proc/meminfo").flatMap { bytes in
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
                .flatMap { Int($0.filter(\.isNumber)) }
        } ?? 0
        return Machine(
            cpus: sysconf(Int32(_SC_NPROCESSORS_ONLN)), cpuModel: model, memTotalMiB: Double(memKB) / 1024,
            kernel: kernel, loadBefore: loadAverage())
    }
}

struct Report {
    var machine: Machine
    var engines: [EngineResults]
    var runs: Int
    var calls: Int
    var rounds: Int
    var sequential: Int
    var totalCalls: Int
    var idleSeconds: Double
    var idleSamples: Int
    var harnessLines: Int

    func engine(_ kind: EngineSpec.Kind) -> EngineResults? { engines.first { $0.spec.kind == kind } }

    // MARK: Targets

    struct Target {
        var issue: Int
        var name: String
        var value: Double?
        var limit: Double?
        var lowerIsBetter: Bool
        var decimals = 2
        var met: Bool? {
            guard let value, let limit else { return nil }
            return lowerIsBetter ? value <= limit : value >= limit
        }
    }

    var targets: [Target] {
        let ours = engine(.ours)
        let anchor = engine(.anchor)
        var t: [Target] = [
            Target(issue: 2, name: "spawn → engine.ready median ≤ 150 ms", value: ours?.readyMs?.median, limit: 150, lowerIsBetter: true, decimals: 1),
            Target(issue: 2, name: "idle VmRSS ≤ 40 MB (38.1 MiB)", value: ours?.idleRSSMiB?.median, limit: 40e6 / 1048576, lowerIsBetter: true, decimals: 1),
            Target(issue: 2, name: "pipelined calls/s median ≥ 30,000", value: ours?.callsPerSecond?.median, limit: 30_000, lowerIsBetter: false, decimals: 0),
        ]
        if anchor != nil {
            t += [
                Target(issue: 12, name: "spawn → engine.ready ≤ anchor's first reply (medians, ms)", value: ours?.readyMs?.median, limit: anchor?.firstReplyMs?.median, lowerIsBetter: true),
                Target(issue: 12, name: "idle VmRSS ≤ anchor's (MiB)", value: ours?.idleRSSMiB?.median, limit: anchor?.idleRSSMiB?.median, lowerIsBetter: true, decimals: 1),
                Target(issue: 12, name: "pipelined calls/s ≥ anchor's (medians)", value: ours?.callsPerSecond?.median, limit: anchor?.callsPerSecond?.median, lowerIsBetter: false, decimals: 0),
                Target(issue: 12, name: "server CPU per call ≤ anchor's (µs)", value: ours?.cpuPerCallUs, limit: anchor?.cpuPerCallUs, lowerIsBetter: true),
            ]
        }
        t.append(Target(issue: 12, name: "RSS growth after \(fmt(Double(totalCalls), 0)) calls ≤ 2 MiB", value: ours?.growthMiB, limit: 2, lowerIsBetter: true))
        return t
    }

    // MARK: Table

    func table() -> String {
        let ours = engine(.ours)
        let anchor = engine(.anchor)
        let cat = engine(.cat)
        var out = "variance-bench engine\(anchor != nil ? " --compare" : "")\n"
        out += "machine: \(machine.cpus) CPUs, \(machine.cpuModel), \(fmt(machine.memTotalMiB / 1024, 1)) GiB RAM, Linux \(machine.kernel); "
        out += "load average \(machine.loadBefore) before, \(machine.loadAfter) after\n"
        for e in engines {
            out += "\(pad(e.spec.kind.rawValue + ":", 8))\(e.path)"
            if let v = e.version { out += " (\(v))" }
            out += e.spec.kind == .cat ? ", the harness's floor" : ", \(e.spec.method)"
            if let s = e.setupNote { out += "; \(s)" }
            out += "\n"
        }
        out += "\(runs) fresh processes each after 1 warm-up, interleaved; idle RSS \(fmt(idleSeconds, 1)) s after spawn in \(idleSamples) processes each; "
        out += "\(rounds) pipelined rounds × \(fmt(Double(calls), 0)) calls; \(fmt(Double(sequential), 0)) sequential round trips; "
        out += "RSS again after \(fmt(Double(totalCalls), 0)) calls. Summaries: median [min – max].\n\n"

        func s(_ x: Summary?, _ d: Int) -> String {
            guard let x else { return "–" }
            return "\(fmt(x.median, d)) [\(fmt(x.min, d)) – \(fmt(x.max, d))]"
        }
        func v(_ x: Double?, _ d: Int) -> String { x.map { fmt($0, d) } ?? "–" }
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b != 0 else { return "–" }
            return fmt(a / b, 2) + "×"
        }
        var rows: [[String]] = [["figure", "ours", "anchor", "ours/anchor", "cat (harness)"]]
        rows.append([
            "spawn → engine.ready, ms", s(ours?.readyMs, 2), "(sends none)",
            anchor == nil ? "–" : ratio(ours?.readyMs?.median, anchor?.firstReplyMs?.median) + " ¹", "–",
        ])
        rows.append([
            "spawn → first reply, ms", s(ours?.firstReplyMs, 2), s(anchor?.firstReplyMs, 2),
            ratio(ours?.firstReplyMs?.median, anchor?.firstReplyMs?.median), s(cat?.firstReplyMs, 2),
        ])
        rows.append([
            "VmRSS at first reply, MiB", s(ours?.rssAtReplyMiB, 1), s(anchor?.rssAtReplyMiB, 1),
            ratio(ours?.rssAtReplyMiB?.median, anchor?.rssAtReplyMiB?.median), s(cat?.rssAtReplyMiB, 1),
        ])
        rows.append([
            "end of input → exit, ms", s(ours?.exitMs, 2), s(anchor?.exitMs, 2),
            ratio(ours?.exitMs?.median, anchor?.exitMs?.median), s(cat?.exitMs, 2),
        ])
        rows.append([
            "idle VmRSS at \(fmt(idleSeconds, 0)) s, MiB", s(ours?.idleRSSMiB, 1), s(anchor?.idleRSSMiB, 1),
            ratio(ours?.idleRSSMiB?.median, anchor?.idleRSSMiB?.median), s(cat?.idleRSSMiB, 1),
        ])
        func split(_ e: EngineResults?) -> String {
            guard let sample = e?.medianIdleSample else { return "–" }
            return fmt(Double(sample.anon) / 1024, 1) + " + " + fmt(Double(sample.file) / 1024, 1)
        }
        rows.append(["  anonymous + file-backed, MiB", split(ours), split(anchor), "–", split(cat)])
        rows.append([
            "pipelined calls/s", s(ours?.callsPerSecond, 0), s(anchor?.callsPerSecond, 0),
            ratio(ours?.callsPerSecond?.median, anchor?.callsPerSecond?.median), s(cat?.callsPerSecond, 0),
        ])
        rows.append([
            "server CPU per call, µs", v(ours?.cpuPerCallUs, 2), v(anchor?.cpuPerCallUs, 2),
            ratio(ours?.cpuPerCallUs, anchor?.cpuPerCallUs), v(cat?.cpuPerCallUs, 2),
        ])
        rows.append([
            "sequential round trip p50, µs", v(ours?.p50Us, 1), v(anchor?.p50Us, 1),
            ratio(ours?.p50Us, anchor?.p50Us), v(cat?.p50Us, 1),
        ])
        rows.append([
            "sequential round trip p99, µs", v(ours?.p99Us, 1), v(anchor?.p99Us, 1),
            ratio(ours?.p99Us, anchor?.p99Us), v(cat?.p99Us, 1),
        ])
        rows.append([
            "VmRSS after \(fmt(Double(totalCalls), 0)) calls, MiB", v(ours?.rssAfterMiB, 1), v(anchor?.rssAfterMiB, 1),
            ratio(ours?.rssAfterMiB, anchor?.rssAfterMiB), v(cat?.rssAfterMiB, 1),
        ])
        rows.append([
            "  growth over idle, MiB", v(ours?.growthMiB, 2), v(anchor?.growthMiB, 2), "–", v(cat?.growthMiB, 2),
        ])
        rows.append([
            "  peak VmHWM, MiB", v(ours?.hwmKB.map { Double($0) / 1024 }, 1), v(anchor?.hwmKB.map { Double($0) / 1024 }, 1),
            "–", v(cat?.hwmKB.map { Double($0) / 1024 }, 1),
        ])
        if anchor == nil {
            rows = rows.map { [$0[0], $0[1], $0[4]] }
        }
        if ours == nil {
            rows = rows.map { $0.count == 5 ? [$0[0], $0[2], $0[4]] : [$0[0], $0[2]] }
            rows[0][1] = "anchor"
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (n, row) in rows.enumerated() {
            out += row.enumerated().map { i, cell in i == 0 ? pad(cell, widths[i]) : padLeft(cell, widths[i]) }
                .joined(separator: "  ")
            out += "\n"
            if n == 0 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
        }
        if anchor != nil, ours != nil { out += "¹ ours to engine.ready against the anchor's first reply (it sends no ready notification).\n" }
        out += "Ratios are of medians; for calls/s higher is better, for everything else lower.\n"
        if let cat, let h = cat.harnessLinesPerSecond {
            out += "harness: \(fmt(Double(harnessLines), 0)) lines through cat at \(s(h, 0)) lines/s (writer thread + reader, same code).\n"
        }
        if let ours {
            out += "ours: engine.ready first line in every run: \(ours.readyAlwaysFirst ? "yes" : "NO"); identity \(ours.identityState ?? "?")\n"
        }
        for e in engines where e.spec.kind != .cat {
            let statuses = e.startupExitStatuses.map(String.init).joined(separator: ",")
            out += "\(e.spec.kind.rawValue): exit statuses on end of input \(statuses); long-lived: \(e.finalExit); "
            out += "\(fmt(Double(e.totalCalls), 0)) calls, \(e.errors) errors, \(e.notifications) notifications; "
            out += "CPU \(e.cpuTicks) ticks of \(fmt(1e3 / Double(clockTicksPerSecond), 0)) ms over \(fmt(Double(e.pipelined.reduce(0) { $0 + $1.calls }), 0)) pipelined calls\n"
        }

        out += "\ntargets:\n"
        for t in targets {
            let verdict = switch t.met {
            case .some(true): "met"
            case .some(false): "NOT met"
            case .none: "not measured"
            }
            let detail = t.value.map { fmt($0, t.decimals) + (t.limit.map { " vs " + fmt($0, t.decimals) } ?? "") } ?? ""
            out += "  issue \(t.issue): \(pad(t.name, 62)) \(pad(verdict, 12)) \(detail)\n"
        }
        return out
    }

    // MARK: JSON

    func json() -> JSON {
        func j(_ x: Summary?, samples: [Double]) -> JSON {
            guard let x else { return .null }
            return ["median": .double(x.median), "min": .double(x.min), "max": .double(x.max), "n": .int(Int64(x.count)),
                    "samples": .array(samples.map { .double($0) })]
        }
        func d(_ x: Double?) -> JSON { x.map { .double($0) } ?? .null }
        func i(_ x: Int?) -> JSON { x.map { .int(Int64($0)) } ?? .null }
        var enginesJSON = JSONObject()
        for e in engines {
            var o: JSONObject = [
                "path": .string(e.path),
                "version": e.version.map { .string($0) } ?? .null,
                "method": .string(e.spec.method),
                "setup": e.setupNote.map { .string($0) } ?? .null,
                "readyMs": j(e.readyMs, samples: e.startup.compactMap { $0.readyNs }.map { Double($0) / 1e6 }),
                "firstReplyMs": j(e.firstReplyMs, samples: e.startup.map { Double($0.firstReplyNs) / 1e6 }),
                "rssAtFirstReplyMiB": j(e.rssAtReplyMiB, samples: e.startup.compactMap { $0.rssAtReplyKB }.map { Double($0) / 1024 }),
                "exitAfterEndOfInputMs": j(e.exitMs, samples: e.startup.map { Double($0.exitNs) / 1e6 }),
                "exitStatuses": .array(e.startupExitStatuses.map { .int(Int64($0)) }),
                "idleRSSMiB": j(e.idleRSSMiB, samples: e.idleSamples.map { Double($0.rss) / 1024 }),
                "idleRssAnonKiB": i(e.medianIdleSample?.anon),
                "idleRssFileKiB": i(e.medianIdleSample?.file),
                "pipelinedCallsPerSecond": j(e.callsPerSecond, samples: e.pipelined.map(\.callsPerSecond)),
                "pipelinedCalls": .int(Int64(e.pipelined.reduce(0) { $0 + $1.calls })),
                "cpuTicks": .int(Int64(e.cpuTicks)),
                "cpuPerCallMicroseconds": d(e.cpuPerCallUs),
                "roundTripMicroseconds": [
                    "p50": d(e.p50Us), "p99": d(e.p99Us),
                    "min": .double(Double(e.roundTrips.min) / 1e3), "max": .double(Double(e.roundTrips.max) / 1e3),
                    "mean": .double(e.roundTrips.mean / 1e3), "n": .int(Int64(e.roundTrips.totalCount)),
                ],
                "totalCalls": .int(Int64(e.totalCalls)),
                "rssAfterKiB": i(e.rssAfterKB),
                "rssGrowthKiB": (e.rssAfterKB != nil && e.longLivedIdleKB != nil) ? .int(Int64(e.rssAfterKB! - e.longLivedIdleKB!)) : .null,
                "hwmKiB": i(e.hwmKB),
                "errors": .int(Int64(e.errors)),
                "notifications": .int(Int64(e.notifications)),
                "finalExit": .string(e.finalExit),
            ]
            if e.spec.kind == .ours {
                o["readyAlwaysFirst"] = .bool(e.readyAlwaysFirst)
                o["identity"] = e.identityState.map { .string($0) } ?? .null
            }
            if e.spec.kind == .cat {
                o["harnessLinesPerSecond"] = j(e.harnessLinesPerSecond, samples: e.harness.map(\.callsPerSecond))
            }
            enginesJSON[e.spec.kind.rawValue] = .object(o)
        }
        var ratios = JSONObject()
        if let ours = engine(.ours), let anchor = engine(.anchor) {
            func r(_ a: Double?, _ b: Double?) -> JSON {
                guard let a, let b, b != 0 else { return .null }
                return .double(a / b)
            }
            ratios = [
                "readyVsAnchorFirstReply": r(ours.readyMs?.median, anchor.firstReplyMs?.median),
                "firstReply": r(ours.firstReplyMs?.median, anchor.firstReplyMs?.median),
                "idleRSS": r(ours.idleRSSMiB?.median, anchor.idleRSSMiB?.median),
                "callsPerSecond": r(ours.callsPerSecond?.median, anchor.callsPerSecond?.median),
                "cpuPerCall": r(ours.cpuPerCallUs, anchor.cpuPerCallUs),
                "roundTripP50": r(ours.p50Us, anchor.p50Us),
                "roundTripP99": r(ours.p99Us, anchor.p99Us),
                "rssAfterCalls": r(ours.rssAfterMiB, anchor.rssAfterMiB),
            ]
        }
        return [
            "machine": [
                "cpus": .int(Int64(machine.cpus)), "cpuModel": .string(machine.cpuModel),
                "memTotalMiB": .double(machine.memTotalMiB), "kernel": .string(machine.kernel),
                "loadBefore": .string(machine.loadBefore), "loadAfter": .string(machine.loadAfter),
            ],
            "config": [
                "runs": .int(Int64(runs)), "calls": .int(Int64(calls)), "rounds": .int(Int64(rounds)),
                "sequential": .int(Int64(sequential)), "totalCalls": .int(Int64(totalCalls)),
                "idleSeconds": .double(idleSeconds), "idleSamples": .int(Int64(idleSamples)), "harnessLines": .int(Int64(harnessLines)),
                "clockTicksPerSecond": .int(Int64(clockTicksPerSecond)),
            ],
            "engines": .object(enginesJSON),
            "ratiosOursOverAnchor": .object(ratios),
            "targets": .array(targets.map { t in
                ["issue": .int(Int64(t.issue)), "name": .string(t.name), "value": d(t.value), "limit": d(t.limit),
                 "met": t.met.map { .bool($0) } ?? .null]
            }),
        ]
    }
}
