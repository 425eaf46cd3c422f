// What `variance-bench olm` found, as a table for people and as one JSON line for scripts.
import VarianceRPC

struct OlmReport {
    var machine: Machine
    var executable: String
    var anchorCommand: String?
    var versions: JSON?
    var x25519: X25519Speed
    var rounds: Int
    var seconds: Double
    var cells: [OlmCell]
    var impls: [OlmImpl]
    var samples: [OlmImpl: [OlmCell: [OlmSample]]]

    func summary(_ impl: OlmImpl, _ cell: OlmCell) -> Summary? {
        Summary((samples[impl]?[cell] ?? []).map(\.perSecond))
    }

    /// Ratio of medians, ours / `impl`.
    func ratio(_ impl: OlmImpl, _ cell: OlmCell) -> Double? {
        guard let o = summary(.ours, cell)?.median, let a = summary(impl, cell)?.median, a > 0 else { return nil }
        return o / a
    }

    var versionLine: String {
        guard let versions else { return "" }
        let v = { (k: String) in versions[k]?.stringValue ?? "?" }
        return "vodozemac \(v("vodozemac")) (Rust, through its Python binding), python-olm \(v("python-olm")) (libolm, C, through cffi); Python \(v("python"))"
    }

    func table() -> String {
        var out = "variance-bench olm\n"
        out += "machine: \(machine.cpus) CPUs, \(machine.cpuModel), \(fmt(machine.memTotalMiB / 1024, 1)) GiB RAM, Linux \(machine.kernel); "
        out += "load average \(machine.loadBefore) before, \(machine.loadAfter) after\n"
        out += "ours:    VarianceOlm (Swift; swift-crypto, BoringSSL underneath), in \(executable)\n"
        if let anchorCommand {
            out += "anchors: \(versionLine)\n         \(anchorCommand)\n"
        }
        out += "\(rounds) rounds, implementations taking turns cell by cell; per round, cell and implementation: a fresh established "
        out += "session pair, \(OlmWorkload.warmupBatches * OlmWorkload.batch) messages of warm-up, then batches of \(OlmWorkload.batch) "
        out += "for \(fmt(seconds, 2)) s. A message: encrypt, wire bytes decoded, decrypt, plaintext compared. "
        out += "messages/s, median [min – max] over rounds.\n\n"

        func s(_ x: Summary?) -> String {
            guard let x else { return "–" }
            return "\(fmt(x.median, 0)) [\(fmt(x.min, 0)) – \(fmt(x.max, 0))]"
        }
        if let a = Summary(x25519.agreementUs), let k = Summary(x25519.keyFromSecretUs) {
            out += "X25519 on this CPU (swift-crypto, BoringSSL): agreement \(fmt(a.median, 1)) µs, public key from a secret \(fmt(k.median, 1)) µs "
            out += "(medians of \(x25519.agreementUs.count) × 0.2 s, one per round); one key pair and two agreements per alternating message allow at most "
            out += "\(fmt(x25519.alternatingCeiling ?? 0, 0)) alternating messages/s.\n\n"
        }
        let anchors = impls.filter { $0 != .ours }
        var header = pad("messages/s", 22) + padLeft("ours", 28)
        for a in anchors { header += padLeft(a.name, 28) }
        for a in anchors { header += padLeft("ours/\(a.name)", 17) }
        out += header + "\n" + String(repeating: "-", count: header.count) + "\n"
        for cell in cells {
            var row = pad(cell.label, 22) + padLeft(s(summary(.ours, cell)), 28)
            for a in anchors { row += padLeft(s(summary(a, cell)), 28) }
            for a in anchors { row += padLeft(ratio(a, cell).map { fmt($0, 2) + "×" } ?? "–", 17) }
            out += row + "\n"
        }
        if anchors.contains(.vodozemac) {
            out += "\ntarget (issue): ours ≥ vodozemac in every column (ratio of medians ≥ 1)\n"
            for cell in cells {
                let r = ratio(.vodozemac, cell)
                let verdict = r.map { $0 >= 1 ? "met" : "NOT met" } ?? "–"
                out += "  " + pad(cell.label, 22) + pad(verdict, 9) + (r.map { fmt($0, 2) + "×" } ?? "–") + "\n"
            }
        }
        return out
    }

    func json(samples withSamples: Bool) -> JSON {
        var results = JSONObject()
        for impl in impls {
            var byCell = JSONObject()
            for cell in cells {
                guard let x = summary(impl, cell) else { continue }
                var o: JSONObject = ["median": .double(x.median.rounded()), "min": .double(x.min.rounded()), "max": .double(x.max.rounded())]
                if withSamples {
                    o["samples"] = .array((samples[impl]?[cell] ?? []).map {
                        .object(["messages": .int(Int64($0.messages)), "ns": .int(Int64($0.ns))])
                    })
                }
                byCell[cell.key] = .object(o)
            }
            results[impl.rawValue] = .object(byCell)
        }
        var ratios = JSONObject()
        for impl in impls where impl != .ours {
            var byCell = JSONObject()
            for cell in cells { if let r = ratio(impl, cell) { byCell[cell.key] = .double((r * 1000).rounded() / 1000) } }
            ratios["ours/\(impl.rawValue)"] = .object(byCell)
        }
        var o: JSONObject = [
            "bench": "olm",
            "unit": "messages/s (encrypt + decrypt), median over rounds",
            "machine": .object([
                "cpus": .int(Int64(machine.cpus)), "model": .string(machine.cpuModel), "kernel": .string(machine.kernel),
                "load_before": .string(machine.loadBefore), "load_after": .string(machine.loadAfter),
            ]),
            "rounds": .int(Int64(rounds)),
            "seconds": .double(seconds),
        ]
        if let versions { o["versions"] = versions }
        if let a = Summary(x25519.agreementUs), let k = Summary(x25519.keyFromSecretUs) {
            o["x25519_us"] = .object([
                "agreement": .double((a.median * 100).rounded() / 100), "public_from_secret": .double((k.median * 100).rounded() / 100),
                "alternating_ceiling_per_s": .double((x25519.alternatingCeiling ?? 0).rounded()),
            ])
        }
        o["results"] = .object(results)
        o["ratios"] = .object(ratios)
        return .object(o)
    }
}
