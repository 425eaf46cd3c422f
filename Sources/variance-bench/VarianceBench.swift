// variance-bench: measures variance-engine over its stdio pipes, beside deltachat-rpc-server
// (the anchor of issue 12) and `cat` (the harness's own floor). See docs/PERFORMANCE.md.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Histogram
import VarianceRPC

@main
struct VarianceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variance-bench",
        abstract: "Benchmarks of the Variance engine.",
        subcommands: [EngineCommand.self, LibP2PCommand.self, OlmCommand.self, DirectMessagesCommand.self, RelayCommand.self, PathsCommand.self, PubSubCommand.self, OfflineCommand.self, NamesCommand.self, MLSCommand.self, CallsCommand.self])
}

/// Progress and warnings go to standard error, so that `--json` leaves stdout clean.
func note(_ message: String) {
    let line = message + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
}

struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Start-up, memory, throughput and latency of variance-engine over its pipes.",
        discussion: """
            Ours runs with a data directory holding an identity without passphrase (created \
            beforehand by one run that calls identity.create); the trivial call is engine.info. \
            With --compare the same client code drives deltachat-rpc-server (one account, \
            get_selected_account_id; install it with scripts/bench/setup-anchor.sh). `cat` is \
            measured too: it is the floor of the harness itself.
            """)

    @Option(help: "The engine binary (default: variance-engine next to this executable).")
    var engine: String?

    @Option(help: "Fresh processes per engine for the start-up figures (at least 10).")
    var runs = 20

    @Option(help: "Requests per pipelined round, all written at once.")
    var calls = 20_000

    @Flag(help: "Measure the anchor, deltachat-rpc-server, too and print ratios ours/anchor.")
    var compare = false

    @Option(help: "The deltachat-rpc-server ELF (default: the path scripts/bench/setup-anchor.sh wrote to .venv-bench/anchor-path).")
    var anchor: String?

    @Flag(help: "Print machine-readable results (JSON) on stdout instead of the table.")
    var json = false

    @Option(help: "Processes per engine whose resident set is read --idle-seconds after the spawn; the median is reported.")
    var idleSamples = 5

    @Option(help: "Pipelined rounds per engine.")
    var rounds = 5

    @Option(help: "Sequential round trips per engine (one request, wait for its reply, repeat).")
    var sequential = 5_000

    @Option(help: "Calls each long-lived engine has answered when its RSS is read again.")
    var totalCalls = 100_000

    @Option(help: "Seconds after the spawn at which the idle RSS is read.")
    var idleSeconds = 2.0

    @Option(help: "Lines pushed through `cat` to show the harness's own capacity.")
    var harnessLines = 1_000_000

    @Flag(help: "Leave out our engine (to measure only the anchor and the harness).")
    var skipOurs = false

    @Flag(help: "Keep the temporary directory (data folders and the engines' stderr).")
    var keep = false

    func validate() throws {
        guard runs >= 1, calls >= 1, rounds >= 1, sequential >= 1 else {
            throw ValidationError("--runs, --calls, --rounds and --sequential must be positive.")
        }
        guard idleSeconds >= 0 else { throw ValidationError("--idle-seconds must not be negative.") }
        guard idleSamples >= 1 else { throw ValidationError("--idle-samples must be positive.") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        if runs < 10 { note("warning: --runs \(runs) is under the 10 fresh processes the issues ask for") }
        let machine = Machine.current()
        let exeDir = executableDirectory()

        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer {
            if keep { note("kept \(work)") } else { removeTree(work) }
        }

        // The engines.
        var specs: [EngineSpec] = []
        var results: [EngineSpec.Kind: EngineResults] = [:]
        if !skipOurs {
            let path = engine ?? exeDir + "/variance-engine"
            guard access(path, X_OK) == 0 else {
                throw BenchError("no engine at \(path): build it with `swift build -c release --product variance-engine`, or pass --engine")
            }
            let dataDir = work + "/ours-data"
            mkdir(dataDir, 0o700)
            let spec = EngineSpec(
                kind: .ours, label: "variance-engine", argv: [path, "--data-dir", dataDir],
                environment: environment(overriding: []), sendsReady: true, method: "engine.info")
            let r = EngineResults(spec: spec, path: path)
            r.version = firstLine(of: [path, "--version"], environment: spec.environment, scratch: work + "/ours-version.stderr")
            note("setup: \(path): identity.create in \(dataDir)")
            let created = try runOnce(
                spec, request: #"{"jsonrpc":"2.0","id":1,"method":"identity.create","params":{}}"#,
                stderrPath: work + "/ours-setup.stderr")
            r.setupNote = "identity " + (created["did"]?.stringValue ?? "?") + ", no passphrase"
            specs.append(spec)
            results[.ours] = r
        }
        if compare {
            let path = try anchor ?? findAnchor(exeDir: exeDir)
            guard access(path, X_OK) == 0 else { throw BenchError("no anchor at \(path): run scripts/bench/setup-anchor.sh") }
            let accounts = work + "/anchor-accounts"
            let spec = EngineSpec(
                kind: .anchor, label: "deltachat-rpc-server", argv: [path],
                environment: environment(overriding: ["DC_ACCOUNTS_PATH=" + accounts]), sendsReady: false,
                method: "get_selected_account_id")
            let r = EngineResults(spec: spec, path: path)
            r.version = firstLine(of: [path, "--version"], environment: spec.environment, scratch: work + "/anchor-version.stderr")
            note("setup: \(path): add_account in \(accounts)")
            let account = try runOnce(
                spec, request: #"{"jsonrpc":"2.0","id":1,"method":"add_account"}"#,
                stderrPath: work + "/anchor-setup.stderr")
            r.setupNote = "one account (id \(account.compactString)), no network"
            specs.append(spec)
            results[.anchor] = r
        }
        let catPath = ["/usr/bin/cat", "/bin/cat"].first { (p: String) in access(p, X_OK) == 0 } ?? "/bin/cat"
        let catSpec = EngineSpec(
            kind: .cat, label: "cat", argv: [catPath], environment: environment(overriding: []),
            sendsReady: false, method: "echo")
        specs.append(catSpec)
        results[.cat] = EngineResults(spec: catSpec, path: catPath)
        let all = specs.map { results[$0.kind]! }
        func stderrPath(_ spec: EngineSpec) -> String { work + "/\(spec.kind.rawValue).stderr" }

        // 1. Start-up: fresh processes, interleaved so that noise falls on all engines alike.
        note("start-up: 1 warm-up + \(runs) fresh processes each")
        for spec in specs { _ = try startupRun(spec, stderrPath: stderrPath(spec)) }
        for i in 0..<runs {
            for j in 0..<specs.count {
                let spec = specs[(i + j) % specs.count]
                let sample = try startupRun(spec, stderrPath: stderrPath(spec))
                results[spec.kind]!.startup.append(sample)
            }
        }
        if let ours = results[.ours], let first = ours.startup.first {
            let identity = first.firstResult["identity"]?.stringValue ?? "?"
            ours.identityState = identity
            if identity != "ready" { note("warning: engine.info says identity \"\(identity)\", not \"ready\"") }
        }

        // 2. Idle RSS: `idleSamples` processes each, interleaved, read `idleSeconds` after
        // their spawn; the last of each engine stays for the call figures. One process's
        // figure moves by up to 1 MiB from run to run (which pages of the binary the kernel
        // maps around each fault), so the median is what is compared.
        note("idle RSS: \(idleSamples) processes each, \(fmt(idleSeconds, 1)) s after the spawn")
        func recordIdle(_ session: Session) {
            guard let rss = session.idleRSSKB else { return }
            results[session.spec.kind]!.idleSamples.append(
                (rss: rss, anon: session.idleAnonKB ?? 0, file: session.idleFileKB ?? 0))
        }
        for _ in 1..<idleSamples {
            for spec in specs {
                let session = try Session(spec, stderrPath: stderrPath(spec), idleNs: UInt64(idleSeconds * 1e9))
                recordIdle(session)
                session.child.finish()
            }
        }
        var sessions: [Session] = []
        for spec in specs {
            let session = try Session(spec, stderrPath: stderrPath(spec), idleNs: UInt64(idleSeconds * 1e9))
            recordIdle(session)
            results[spec.kind]!.longLivedIdleKB = session.idleRSSKB
            sessions.append(session)
        }

        // 3, 4. Pipelined rounds, interleaved; CPU from /proc around each round.
        note("pipelined: \(rounds) rounds × \(calls) calls each")
        for i in 0..<rounds {
            for j in 0..<sessions.count {
                let session = sessions[(i + j) % sessions.count]
                let round = try session.pipelined(calls)
                results[session.spec.kind]!.pipelined.append(round)
            }
        }
        // The harness's own capacity: many lines through cat.
        if let cat = sessions.first(where: { $0.spec.isEcho }), harnessLines > 0 {
            note("harness: \(harnessLines) lines through cat, 3 times")
            for _ in 0..<3 { results[.cat]!.harness.append(try cat.pipelined(harnessLines)) }
        }

        // 5. Sequential round trips, in interleaved chunks.
        note("sequential: \(sequential) round trips each")
        let chunk = max(1, min(500, sequential))
        var done = 0
        while done < sequential {
            let n = min(chunk, sequential - done)
            for session in sessions {
                try session.sequential(n, into: &results[session.spec.kind]!.roundTrips)
            }
            done += n
        }

        // 6. RSS once each has answered `totalCalls` calls.
        note("RSS after \(totalCalls) calls")
        for session in sessions {
            while session.calls < totalCalls {
                _ = try session.pipelined(min(calls, totalCalls - session.calls))
            }
            let r = results[session.spec.kind]!
            r.totalCalls = session.calls
            r.rssAfterKB = session.child.rssKB
            r.hwmKB = session.child.hwmKB
            r.errors = session.errors
            r.notifications = session.notifications
        }
        for session in sessions {
            let (_, status, timedOut) = session.child.finish()
            results[session.spec.kind]!.finalExit = timedOut ? "killed after 10 s" : "exit \(status)"
        }
        machine.loadAfter = Machine.loadAverage()

        let report = Report(
            machine: machine, engines: all, runs: runs, calls: calls, rounds: rounds, sequential: sequential,
            totalCalls: totalCalls, idleSeconds: idleSeconds, idleSamples: idleSamples, harnessLines: harnessLines)
        if json {
            print(report.json().prettyString())
        } else {
            print(report.table())
        }
        fflush(nil)
        if all.contains(where: { $0.errors > 0 }) { throw ExitCode(2) }
    }
}

/// The directory of this executable (where `swift build` puts variance-engine too).
func executableDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "." }
    let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}

/// The anchor's path as scripts/bench/setup-anchor.sh recorded it (in the repository root,
/// found from the current directory or from .build/<config>/ where this executable lives).
func findAnchor(exeDir: String) throws(BenchError) -> String {
    for root in [".", exeDir + "/../..", exeDir + "/../../.."] {
        if let bytes = readSmallFile(root + "/.venv-bench/anchor-path") {
            let path = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            if !path.isEmpty { return path }
        }
    }
    throw BenchError("no anchor: run scripts/bench/setup-anchor.sh (or pass --anchor PATH)")
}

func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/variance-bench.") else { return }
    if let rm = try? Child(argv: ["/bin/rm", "-rf", path], environment: [], stderrPath: "/dev/null") {
        rm.finish()
    }
}
