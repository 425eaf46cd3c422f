// What `variance-bench libp2p` found, as a table for people and as JSON for scripts.
import VarianceRPC

struct LibP2PReport {
    var machine: Machine
    var chacha: ChaChaSpeed
    var pythonChaCha: JSON?
    var pythonVersion: String?
    var executable: String
    var pythonCommand: String?
    var results: [LibP2PPairResults]
    /// Round trips of 32 bytes over loopback TCP between two threads, blocking sockets (ns).
    var tcpFloor: [UInt64]
    var rounds: Int
    var setups: Int
    var concurrency: Int
    var pings: Int
    var warmup: Int
    var bytes: Int
    var chunk: Int

    var chachaSeal: Summary? { Summary(chacha.seal) }
    var chachaOpen: Summary? { Summary(chacha.open) }

    func pair(_ client: LibP2PImpl, _ server: LibP2PImpl) -> LibP2PPairResults? {
        results.first { $0.pair.client == client && $0.pair.server == server }
    }

    // MARK: Targets (issue 3, point 10)

    struct Target {
        var name: String
        var value: Double?
        var limit: Double
        var lowerIsBetter: Bool
        var decimals: Int
        var met: Bool? {
            guard let value else { return nil }
            return lowerIsBetter ? value <= limit : value >= limit
        }
    }

    var targets: [Target] {
        let s = pair(.swift, .swift)
        return [
            Target(name: "≥ 1,000 set-ups/s, Swift → Swift, sequential (median)", value: s?.sequentialPerSecond?.median, limit: 1000, lowerIsBetter: false, decimals: 0),
            Target(name: "≥ 1,000 set-ups/s, Swift → Swift, \(concurrency) in flight (median)", value: s?.concurrentPerSecond?.median, limit: 1000, lowerIsBetter: false, decimals: 0),
            Target(name: "ping p50 ≤ 0.2 ms, Swift → Swift", value: s.flatMap { LibP2PPairResults.percentile($0.pingSamples, 50) }.map { $0 / 1e6 }, limit: 0.2, lowerIsBetter: true, decimals: 3),
            Target(name: "≥ 400 MB/s on one stream, Swift → Swift (median)", value: s?.sinkMBps?.median, limit: 400, lowerIsBetter: false, decimals: 0),
        ]
    }

    // MARK: Table

    func table() -> String {
        var out = "variance-bench libp2p\n"
        out += "machine: \(machine.cpus) CPUs, \(machine.cpuModel), \(fmt(machine.memTotalMiB / 1024, 1)) GiB RAM, Linux \(machine.kernel); "
        out += "load average \(machine.loadBefore) before, \(machine.loadAfter) after\n"
        out += "Swift:  \(executable) libp2p --serve / --client (LibP2P: TCP, Noise, yamux)\n"
        if let pythonCommand {
            out += "Python: \(pythonCommand) serve / client (\(pythonVersion ?? "?"))\n"
        }
        out += "\(rounds) rounds, pairs (client → server) taking turns in each; per round and pair: \(fmt(Double(setups), 0)) set-ups one at a time, "
        out += "\(fmt(Double(setups), 0)) with \(concurrency) in flight, \(fmt(Double(warmup), 0)) + \(fmt(Double(pings), 0)) pings on one stream, "
        out += "\(fmt(Double(bytes) / 1e6, 1)) MB one way into a sink in \(fmt(Double(chunk) / 1024, 0)) KiB writes. "
        out += "Summaries: median [min – max] over rounds; percentiles of all rounds' samples.\n"

        func s(_ x: Summary?, _ d: Int) -> String {
            guard let x else { return "–" }
            return "\(fmt(x.median, d)) [\(fmt(x.min, d)) – \(fmt(x.max, d))]"
        }
        func v(_ x: Double?, _ d: Int) -> String { x.map { fmt($0, d) } ?? "–" }
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b != 0 else { return "–" }
            return fmt(a / b, 2) + "×"
        }
        out += "ChaCha20-Poly1305 on 64 KiB buffers, 5 × 0.3 s: swift-crypto seal \(s(chachaSeal, 0)) MB/s, open \(s(chachaOpen, 0)) MB/s"
        if let py = pythonChaCha,
            let seal = Summary((py["seal_mb_per_s"]?.arrayValue ?? []).compactMap(\.doubleValue)),
            let open = Summary((py["open_mb_per_s"]?.arrayValue ?? []).compactMap(\.doubleValue))
        {
            out += "; Python `cryptography` (what py-libp2p's Noise uses) seal \(s(seal, 0)), open \(s(open, 0)) MB/s"
        }
        out += "\n\n"

        let columns = results
        let ss = pair(.swift, .swift)
        let pp = pair(.python, .python)
        var rows: [[String]] = [["figure"] + columns.map(\.pair.label) + (pp != nil ? ["S→S / P→P"] : [])]
        func row(_ name: String, _ cell: (LibP2PPairResults) -> String, _ value: ((LibP2PPairResults) -> Double?)? = nil) {
            var r = [name] + columns.map(cell)
            if pp != nil { r.append(value.map { f in ratio(ss.flatMap(f), pp.flatMap(f)) } ?? "–") }
            rows.append(r)
        }
        let seal = chachaSeal?.median
        row("set-ups/s, one at a time", { s($0.sequentialPerSecond, 0) }, { $0.sequentialPerSecond?.median })
        row("set-ups/s, \(concurrency) in flight", { s($0.concurrentPerSecond, 0) }, { $0.concurrentPerSecond?.median })
        let p50 = { (r: LibP2PPairResults) in LibP2PPairResults.percentile(r.setupLatency, 50).map { $0 / 1e6 } }
        let p99 = { (r: LibP2PPairResults) in LibP2PPairResults.percentile(r.setupLatency, 99).map { $0 / 1e6 } }
        row("set-up time p50, ms (one at a time)", { v(p50($0), 2) }, p50)
        row("set-up time p99, ms", { v(p99($0), 2) }, p99)
        row("CPU per set-up, ms: client + server", {
            guard let c = $0.cpuPerSetupMs else { return "–" }
            return fmt(c.client, 2) + " + " + fmt(c.server, 2)
        }, { $0.cpuPerSetupMs.map { $0.client + $0.server } })
        let ping50 = { (r: LibP2PPairResults) in LibP2PPairResults.percentile(r.pingSamples, 50).map { $0 / 1e3 } }
        let ping99 = { (r: LibP2PPairResults) in LibP2PPairResults.percentile(r.pingSamples, 99).map { $0 / 1e3 } }
        row("ping round trip p50, µs", { v(ping50($0), 1) }, ping50)
        row("ping round trip p99, µs", { v(ping99($0), 1) }, ping99)
        row("one stream into a sink, MB/s", { s($0.sinkMBps, 0) }, { $0.sinkMBps?.median })
        row("  of ChaCha20-Poly1305 seal speed", {
            guard let m = $0.sinkMBps?.median, let seal else { return "–" }
            return fmt(100 * m / seal, 1) + " %"
        })
        row("CPU per MB, ms: client + server", {
            guard let c = $0.cpuPerMBms else { return "–" }
            return fmt(c.client, 2) + " + " + fmt(c.server, 2)
        }, { $0.cpuPerMBms.map { $0.client + $0.server } })

        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (n, row) in rows.enumerated() {
            out += row.enumerated().map { i, cell in i == 0 ? pad(cell, widths[i]) : padLeft(cell, widths[i]) }
                .joined(separator: "  ")
            out += "\n"
            if n == 0 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
        }
        out += "Ratios are of medians (S→S / P→P: Swift → Swift against Python → Python); for set-ups/s and MB/s higher is better, for everything else lower.\n"
        out += "CPU: utime + stime of each peer process (all threads) from /proc, from before a command until the server has closed its last connection; ticks of \(fmt(1e3 / Double(clockTicksPerSecond), 0)) ms.\n"
        if let p50 = LibP2PPairResults.percentile(tcpFloor, 50), let p99 = LibP2PPairResults.percentile(tcpFloor, 99) {
            out += "Floor of the ping: 32 bytes there and back over loopback TCP between two threads, blocking sockets, no libp2p: "
            out += "p50 \(fmt(p50 / 1e3, 1)) µs, p99 \(fmt(p99 / 1e3, 1)) µs (\(fmt(Double(tcpFloor.count), 0)) round trips).\n"
        }
        if let seal {
            out += "ChaCha20-Poly1305 alone would cost \(fmt(1e3 / seal, 2)) ms per MB on each side (seal on one, open on the other).\n"
        }
        for r in results {
            let failed = (r.sequential + r.concurrent).filter { $0.failures > 0 }
            if !failed.isEmpty {
                out += "\(r.pair.label): \(failed.reduce(0) { $0 + $1.failures }) failed set-ups, e.g. \(failed.first?.firstFailure ?? "?")\n"
            }
            for f in r.failedCommands { out += "\(r.pair.label): FAILED \(f)\n" }
            for n in Set(r.notes).sorted() { out += "\(r.pair.label): \(n)\n" }
        }

        out += "\ntargets (issue 3, point 10):\n"
        for t in targets {
            let verdict = switch t.met {
            case .some(true): "met"
            case .some(false): "NOT met"
            case .none: "not measured"
            }
            let detail = t.value.map { fmt($0, t.decimals) + " vs " + fmt(t.limit, t.decimals) } ?? ""
            out += "  \(pad(t.name, 62)) \(pad(verdict, 12)) \(detail)\n"
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
        var pairs = JSONObject()
        for r in results {
            pairs[r.pair.key] = .object([
                "label": .string(r.pair.label),
                "setupsPerSecondSequential": j(r.sequentialPerSecond, samples: r.sequential.map(\.perSecond)),
                "setupsPerSecondConcurrent": j(r.concurrentPerSecond, samples: r.concurrent.map(\.perSecond)),
                "setupMsP50": d(LibP2PPairResults.percentile(r.setupLatency, 50).map { $0 / 1e6 }),
                "setupMsP99": d(LibP2PPairResults.percentile(r.setupLatency, 99).map { $0 / 1e6 }),
                "cpuPerSetupMs": r.cpuPerSetupMs.map { .object(["client": .double($0.client), "server": .double($0.server)]) } ?? .null,
                "pingUsP50": d(LibP2PPairResults.percentile(r.pingSamples, 50).map { $0 / 1e3 }),
                "pingUsP99": d(LibP2PPairResults.percentile(r.pingSamples, 99).map { $0 / 1e3 }),
                "pingUsMin": d(r.pingSamples.min().map { Double($0) / 1e3 }),
                "sinkMBps": j(r.sinkMBps, samples: r.sinks.map(\.mbPerSecond)),
                "sinkFractionOfChaChaSeal": d(r.sinkMBps.flatMap { m in chachaSeal.map { m.median / $0.median } }),
                "cpuPerMBms": r.cpuPerMBms.map { .object(["client": .double($0.client), "server": .double($0.server)]) } ?? .null,
                "failedSetups": .int(Int64((r.sequential + r.concurrent).reduce(0) { $0 + $1.failures })),
                "failedCommands": .array(r.failedCommands.map { .string($0) }),
                "notes": .array(Set(r.notes).sorted().map { .string($0) }),
            ])
        }
        return .object([
            "machine": .object([
                "cpus": .int(Int64(machine.cpus)), "cpuModel": .string(machine.cpuModel),
                "memTotalMiB": .double(machine.memTotalMiB), "kernel": .string(machine.kernel),
                "loadBefore": .string(machine.loadBefore), "loadAfter": .string(machine.loadAfter),
            ]),
            "python": pythonVersion.map { .string($0) } ?? .null,
            "settings": .object([
                "rounds": .int(Int64(rounds)), "setups": .int(Int64(setups)), "concurrency": .int(Int64(concurrency)),
                "pings": .int(Int64(pings)), "warmup": .int(Int64(warmup)), "bytes": .int(Int64(bytes)), "chunk": .int(Int64(chunk)),
            ]),
            "chacha20poly1305": .object([
                "bufferBytes": .int(Int64(chacha.bufferBytes)),
                "sealMBps": j(chachaSeal, samples: chacha.seal), "openMBps": j(chachaOpen, samples: chacha.open),
                "python": pythonChaCha ?? .null,
            ]),
            "pairs": .object(pairs),
            "tcpFloorUs": .object([
                "p50": d(LibP2PPairResults.percentile(tcpFloor, 50).map { $0 / 1e3 }),
                "p99": d(LibP2PPairResults.percentile(tcpFloor, 99).map { $0 / 1e3 }),
                "n": .int(Int64(tcpFloor.count)),
            ]),
            "targets": .array(targets.map { t in
                .object(["name": .string(t.name), "value": d(t.value), "limit": .double(t.limit), "met": t.met.map { .bool($0) } ?? .null])
            }),
        ])
    }
}
