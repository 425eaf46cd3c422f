// `variance-bench olm`: Olm messages per second (encrypt + decrypt) of our VarianceOlm beside
// vodozemac 0.10.0 and libolm 3.2.16 (python-olm) in the same run: 100 B and 10 KiB
// plaintexts, one way and alternating, on an established session pair. The anchors run in
// scripts/bench/olm_anchor.py (in .venv-interop); ours in this process. See
// docs/PERFORMANCE.md, section "Olm".
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import VarianceRPC

struct OlmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "olm",
        abstract: "Olm messages/s of VarianceOlm beside vodozemac and libolm.",
        discussion: """
            Each cell (100 B or 10 KiB, one way or alternating) is measured on a fresh \
            established session pair: 64 messages of warm-up, then batches of 32 until \
            --seconds have passed. A message is one encrypt, its wire bytes decoded, one \
            decrypt, and the plaintext compared. Within each round the implementations take \
            turns cell by cell. The anchors run in scripts/bench/olm_anchor.py serve \
            (.venv-interop; scripts/interop-venv.sh makes it). Prints a table and, as its last \
            line, the medians as one JSON line.
            """)

    @Option(help: "Rounds; the figure is the median over them.")
    var rounds = 5

    @Option(help: "Seconds of timed messages per cell, implementation and round.")
    var seconds = 0.5

    @Option(help: "The virtualenv's python (default: .venv-interop/bin/python in the repository).")
    var python: String?

    @Option(help: "scripts/bench/olm_anchor.py (default: found from here or from this executable).")
    var anchor: String?

    @Flag(help: "Only ours (no Python anchors).")
    var skipAnchors = false

    @Flag(help: "Print only the JSON line, with every sample.")
    var json = false

    @Option(help: "Only these cells (oneway-100, alternating-100, oneway-10240, alternating-10240); repeatable.")
    var cell: [String] = []

    @Option(help: "Exactly this many timed messages per cell instead of --seconds (ours only, with --skip-anchors: for callgrind).")
    var messages: Int?

    func validate() throws {
        guard rounds >= 1, seconds > 0 else { throw ValidationError("--rounds and --seconds must be positive.") }
        if let messages, messages < 1 || !skipAnchors { throw ValidationError("--messages needs --skip-anchors and must be positive.") }
        let known = Set(OlmCell.all.map(\.key))
        if let bad = cell.first(where: { !known.contains($0) }) { throw ValidationError("unknown cell \(bad); one of \(OlmCell.all.map(\.key))") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        if rounds < 5 && !json { note("warning: --rounds \(rounds): the figures are meant as medians of at least 5") }
        let machine = Machine.current()
        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer { removeTree(work) }

        var peer: BenchPeer?
        var versions: JSON?
        var anchorCommand: String?
        if !skipAnchors {
            let (pythonPath, script) = try findAnchor()
            // BenchPeer's `impl` only names the peer in messages.
            let p = try BenchPeer(.python, role: "olm anchor", argv: [pythonPath, script, "serve"], env: environment(overriding: []), work: work)
            versions = try p.command("versions", timeoutNs: 60_000_000_000)
            anchorCommand = "\(pythonPath) \(script) serve"
            peer = p
        }
        var x25519 = X25519Speed(agreementUs: [], keyFromSecretUs: [])
        let impls: [OlmImpl] = skipAnchors ? [.ours] : OlmImpl.allCases
        let cells = cell.isEmpty ? OlmCell.all : OlmCell.all.filter { cell.contains($0.key) }
        var samples: [OlmImpl: [OlmCell: [OlmSample]]] = [:]
        let timeoutNs = UInt64((seconds * 4 + 60) * 1e9)

        for round in 0..<rounds {
            note("round \(round + 1)/\(rounds): \(cells.count) cells × \(impls.count) implementations × \(seconds) s")
            // X25519 alone, once per round (the floor under the alternating figures); not
            // with --messages, whose instruction counts must not depend on the clock.
            if messages == nil {
                let x = try X25519Speed.measure(rounds: 1)
                x25519.agreementUs += x.agreementUs
                x25519.keyFromSecretUs += x.keyFromSecretUs
            }
            for cell in cells {
                let order = (0..<impls.count).map { impls[($0 + round) % impls.count] }
                for impl in order {
                    let sample: OlmSample
                    if impl == .ours {
                        sample = try OlmWorkload.measure(cell, seconds: seconds, messages: messages)
                    } else {
                        let answer: JSON
                        do {
                            answer = try peer!.command("run \(impl.rawValue) \(cell.mode.rawValue) \(cell.size) \(seconds)", timeoutNs: timeoutNs)
                        } catch let error as PeerCommandError {
                            throw BenchError("\(impl.name), \(cell.label): \(error.message)")
                        }
                        sample = OlmSample(messages: Int(answer["messages"]?.intValue ?? 0), ns: UInt64(answer["ns"]?.intValue ?? 0))
                        guard sample.messages > 0, sample.ns > 0 else {
                            throw BenchError("\(impl.name), \(cell.label): unexpected answer \(answer.compactString)")
                        }
                    }
                    samples[impl, default: [:]][cell, default: []].append(sample)
                }
            }
        }
        peer?.child.finish()
        machine.loadAfter = Machine.loadAverage()

        let report = OlmReport(
            machine: machine, executable: executablePath(), anchorCommand: anchorCommand, versions: versions, x25519: x25519,
            rounds: rounds, seconds: seconds, cells: cells, impls: impls, samples: samples)
        if !json { print(report.table()) }
        print(report.json(samples: json).compactString)
        fflush(nil)
    }

    private func findAnchor() throws -> (String, String) {
        let exeDir = executableDirectory()
        let roots = [".", exeDir + "/../..", exeDir + "/../../.."]
        let script = anchor ?? roots.map { $0 + "/scripts/bench/olm_anchor.py" }.first { access($0, R_OK) == 0 }
        guard let script, access(script, R_OK) == 0 else {
            throw BenchError("no scripts/bench/olm_anchor.py found: run from the repository, or pass --anchor")
        }
        let python = python ?? roots.map { $0 + "/.venv-interop/bin/python" }.first { access($0, X_OK) == 0 }
        guard let python, access(python, X_OK) == 0 else {
            throw BenchError("no .venv-interop/bin/python: run scripts/interop-venv.sh, or pass --python (or --skip-anchors)")
        }
        return (python, script)
    }
}

/// The implementations measured, in the order of the table.
enum OlmImpl: String, CaseIterable {
    case ours, vodozemac, libolm
    var name: String {
        switch self {
        case .ours: "ours"
        case .vodozemac: "vodozemac"
        case .libolm: "libolm"
        }
    }
}
