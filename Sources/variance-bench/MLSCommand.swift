// `mls-bench` (to become `variance-bench mls`): MLS group operations of our VarianceMLS beside
// mls-rs (agentvault-mls-rs-uniffi 0.1.1, through mls_anchor.py in .venv-interop) in the same
// run, for groups of 10, 100 and 1,000 members.
//
// Per group size N: alice creates the group and adds N-1 members in one commit; bob (leaf 1)
// joins from its Welcome. That setup is not timed. Each repetition starts from copies of those
// two states (a Group is a value) and times:
//   commit_add1     alice commits adding one member (commit and Welcome serialized)
//   process_add1    bob decodes and processes that commit
//   join_add1       the new member decodes the Welcome and joins (ratchet tree in the Welcome)
//   commit_add1_notree  the same without the ratchet tree in the Welcome (sent out of band)
//   commit_add100   alice commits adding 100 members; process_add100: bob processes it
//   commit_path     alice commits no proposals with a full UpdatePath; process_path: bob
//   app_msgs        100-byte application messages alice -> bob, encrypt + wire + decrypt, msg/s
// Commits are PublicMessages, as mls-rs sends them. mls-rs puts no UpdatePath in add-only
// commits (its default commit options); ours then commit the same way (`includePath` follows
// what the anchor's sample commit holds, see --add-path). Figures are medians over --reps, after
// one dropped warm-up repetition; the anchor runs size by size just before ours.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Foundation
import VarianceMLS

struct MLSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mls",
        abstract: "MLS commits, joins and messages of VarianceMLS beside mls-rs.",
        discussion: """
            Groups of --sizes members are set up once (one commit adding N-1 members, not \
            timed); every timed operation starts from a copy of that state. The anchor \
            (mls_anchor.py, mls-rs through agentvault-mls-rs-uniffi) runs the same \
            operations in a child Python process, size by size just before ours. Prints a \
            table (ours, mls-rs, ours/mls-rs: below 1 is faster for times, above 1 for msg/s) \
            and, with --json, one JSON line with every sample.
            """)

    @Option(help: "Group sizes, comma separated.")
    var sizes = "10,100,1000"

    @Option(help: "Repetitions of each timed operation; the figure is their median.")
    var reps = 7

    @Option(help: "Application messages per repetition.")
    var messages = 500

    @Option(help: "The Python with mls_rs_uniffi (default: .venv-interop/bin/python of the repository).")
    var python: String?

    @Option(help: "mls_anchor.py (default: found beside the working directory or this executable).")
    var anchor: String?

    @Option(help: "UpdatePath in add-only commits: auto (as mls-rs does), yes or no.")
    var addPath = "auto"

    @Option(help: "Only these operations of ours, comma separated (add1, add100, path, app; join with add1).")
    var only: String?

    @Flag(help: "Only ours (no Python anchor).")
    var skipAnchor = false

    @Flag(help: "Also print the results as one JSON line.")
    var json = false

    func validate() throws {
        guard reps >= 1, messages >= 1 else { throw ValidationError("--reps and --messages must be positive") }
        guard ["auto", "yes", "no"].contains(addPath) else { throw ValidationError("--add-path: auto, yes or no") }
        guard parsedSizes.allSatisfy({ $0 >= 2 }), !parsedSizes.isEmpty else {
            throw ValidationError("--sizes: integers >= 2")
        }
    }

    var parsedSizes: [Int] { sizes.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        let loadBefore = MLSBenchMachine.loadAverage()
        // Size by size: the anchor (a child process) then ours, so both see about the same load.
        var includePath = addPath == "yes"
        var ours: [MLSBenchRow] = []
        var theirRows: [MLSBenchRow] = []
        var versions: Any = [String: Any]()
        for n in parsedSizes {
            if !skipAnchor {
                let theirs = try runAnchor(size: n)
                theirRows += MLSBenchAnchor.rows(theirs)
                versions = theirs["versions"] ?? versions
                if addPath == "auto", let sample = MLSBenchAnchor.sampleCommitHasPath(theirs) { includePath = sample }
            }
            ours += try MLSWorkload(
                members: n, reps: reps, messages: messages, addPath: includePath,
                only: only.map { Set($0.split(separator: ",").map(String.init)) }
            ).run()
            FileHandle.standardError.write("n=\(n) done\n".data(using: .utf8)!)
        }
        let verifyUs = try MLSWorkload.ed25519VerifyMicroseconds()
        let loadAfter = MLSBenchMachine.loadAverage()
        print(
            MLSBenchReport.table(
                ours: ours, theirs: theirRows, addPath: includePath, reps: reps, load: (loadBefore, loadAfter)))
        print(
            "one Ed25519 check (CipherSuite.verifyWithLabel, 200 B): \(MLSBenchReport.format(verifyUs)) us; "
                + "an Add costs two (key package and leaf node), a joiner one per member")
        if json {
            let object: [String: Any] = [
                "reps": reps, "messages": messages, "ed25519_verify_us": verifyUs, "add_commits_have_path": includePath,
                "load_before": loadBefore, "load_after": loadAfter,
                "ours": ours.map(\.json), "mls-rs": theirRows.map(\.json),
                "mls-rs_versions": versions,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private func runAnchor(size: Int) throws -> [String: Any] {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        let candidates = [anchor].compactMap { $0 } + [
            "mls_anchor.py", "scripts/bench/mls_anchor.py",
        ] + ["/../..", "/../../.."].flatMap { up in
            [exe + up + "/mls_anchor.py", exe + up + "/scripts/bench/mls_anchor.py"]
        }
        guard let script = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw MLSBenchError("no mls_anchor.py found; pass --anchor (or --skip-anchor)")
        }
        let interpreters = [python].compactMap { $0 } + [".venv-interop/bin/python"]
            + ["/../..", "/../../.."].map { exe + $0 + "/.venv-interop/bin/python" }
        guard let interpreter = interpreters.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MLSBenchError("no .venv-interop/bin/python: run scripts/interop-venv.sh, or pass --python (or --skip-anchor)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [script, "--sizes", String(size), "--reps", String(reps), "--messages", String(messages)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw MLSBenchError("anchor failed (status \(process.terminationStatus))") }
        return object
    }
}

struct MLSBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One measured figure: a median over repetitions.
struct MLSBenchRow {
    let n: Int
    let op: String
    let unit: String  // "ms" or "msg/s"
    let samples: [Double]

    var median: Double {
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    var json: [String: Any] { ["n": n, "op": op, "unit": unit, "median": median, "samples": samples] }
}

/// Our side: a group of `members`, set up once, then every timed operation on copies.
struct MLSWorkload {
    let members: Int
    let reps: Int
    let messages: Int
    let addPath: Bool
    var only: Set<String>? = nil

    func wanted(_ op: String) -> Bool { only?.contains(op) ?? true }

    let suite = CipherSuite.mls128X25519
    let now = UInt64(Date().timeIntervalSince1970)
    var lifetime: Lifetime { Lifetime(notBefore: now - 3600, notAfter: now + 86_400) }

    func bundle(_ name: String, _ rng: inout some RandomNumberGenerator) throws -> KeyPackageBundle {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, using: &rng)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        try body()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    /// Median time of one Ed25519 signature check over a short message, in microseconds: the
    /// floor under Adds (two per key package) and joins (one per leaf).
    static func ed25519VerifyMicroseconds() throws -> Double {
        var rng = SystemRandomNumberGenerator()
        let suite = CipherSuite.mls128X25519
        let key = SignaturePrivateKey.generate(using: &rng)
        let content = [UInt8](repeating: 7, count: 200)
        let signature = try suite.signWithLabel(key, label: "bench", content: content)
        var samples: [Double] = []
        for _ in 0..<7 {
            samples.append(
                try seconds {
                    for _ in 0..<200 {
                        guard
                            suite.verifyWithLabel(
                                publicKey: key.publicKey, label: "bench", content: content, signature: signature)
                        else { throw MLSBenchError("signature check failed") }
                    }
                } / 200 * 1e6)
        }
        return MLSBenchRow(n: 0, op: "", unit: "", samples: samples).median
    }

    func run() throws -> [MLSBenchRow] {
        var rng = SystemRandomNumberGenerator()
        var alice = try Group.create(
            suite: suite, groupID: Array("bench-\(members)".utf8), credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, using: &rng)
        let bundles = try (1..<members).map { try bundle("m\(members)-\($0)", &rng) }
        let setup = try alice.commit(
            adding: bundles.map(\.keyPackage.value), wireFormat: .publicMessage, includePath: addPath, now: now,
            using: &rng)
        alice = setup.group
        guard case .welcome(let setupWelcome) = setup.welcome?.body else { throw MLSBenchError("no welcome") }
        let bob = try Group.join(welcome: setupWelcome, bundle: bundles[0], suite: suite)

        var times: [String: [Double]] = [:]
        var rates: [Double] = []
        for rep in 0...reps {  // repetition 0 warms up and is dropped
            if rep == 1 {
                times = [:]
                rates = []
            }
            // (a) one member, (c) bob processes, (d) the newcomer joins
            let joiner = try bundle("j", &rng)
            for (op, count) in [("add1", 1), ("add100", 100)] where wanted(op) {
                let newcomers = count == 1 ? [joiner] : try (0..<count).map { try bundle("h\($0)", &rng) }
                var a = alice
                var commit: [UInt8] = []
                var welcome: [UInt8] = []
                times["commit_" + op, default: []].append(
                    try Self.seconds {
                        let result = try a.commit(
                            adding: newcomers.map(\.keyPackage.value), wireFormat: .publicMessage, includePath: addPath,
                            now: now, using: &rng)
                        commit = result.message.tlsSerialized
                        welcome = result.welcome!.tlsSerialized
                    })
                var b = bob
                times["process_" + op, default: []].append(
                    try Self.seconds {
                        _ = try b.process(try MLSMessage(tlsSerialized: commit), now: now)
                    })
                if count == 1, wanted("join") {
                    var joined: Group?
                    times["join_add1", default: []].append(
                        try Self.seconds {
                            guard case .welcome(let w) = try MLSMessage(tlsSerialized: welcome).body else {
                                throw MLSBenchError("not a welcome")
                            }
                            joined = try Group.join(welcome: w, bundle: joiner, suite: suite)
                        })
                    let label = "x", context: [UInt8] = []
                    guard
                        try joined?.exportSecret(label: label, context: context, length: 16)
                            == b.exportSecret(label: label, context: context, length: 16)
                    else { throw MLSBenchError("joiner and bob disagree") }
                }
            }
            // (a) again, without the ratchet tree in the Welcome (sent out of band)
            if wanted("add1") {
                let newcomer = try bundle("n", &rng)
                var a = alice
                times["commit_add1_notree", default: []].append(
                    try Self.seconds {
                        let result = try a.commit(
                            adding: [newcomer.keyPackage.value], wireFormat: .publicMessage, includePath: addPath,
                            ratchetTreeInWelcome: false, now: now, using: &rng)
                        _ = result.message.tlsSerialized
                        _ = result.welcome!.tlsSerialized
                    })
            }
            // a commit with a full UpdatePath and no proposals
            if wanted("path") {
                var a = alice
                var commit: [UInt8] = []
                times["commit_path", default: []].append(
                    try Self.seconds {
                        commit = try a.commit(wireFormat: .publicMessage, now: now, using: &rng).message.tlsSerialized
                    })
                var b = bob
                times["process_path", default: []].append(
                    try Self.seconds {
                        _ = try b.process(try MLSMessage(tlsSerialized: commit), now: now)
                    })
            }
            // (e) application messages alice -> bob
            guard wanted("app") else { continue }
            var a = alice
            var b = bob
            let text = (0..<100).map { UInt8($0) }
            func one() throws {
                let wire = try a.encrypt(text, using: &rng).tlsSerialized
                guard case .application(_, let data, _) = try b.process(try MLSMessage(tlsSerialized: wire), now: now),
                    data == text
                else { throw MLSBenchError("plaintext mismatch") }
            }
            for _ in 0..<16 { try one() }
            let elapsed = try Self.seconds { for _ in 0..<messages { try one() } }
            rates.append(Double(messages) / elapsed)
        }
        let order = [
            "commit_add1", "process_add1", "join_add1", "commit_add1_notree", "commit_add100", "process_add100",
            "commit_path", "process_path",
        ]
        return order.compactMap { op in
            times[op].map { MLSBenchRow(n: members, op: op, unit: "ms", samples: $0.map { $0 * 1000 }) }
        } + (rates.isEmpty ? [] : [MLSBenchRow(n: members, op: "app_msgs", unit: "msg/s", samples: rates)])
    }
}

enum MLSBenchAnchor {
    static func rows(_ object: [String: Any]) -> [MLSBenchRow] {
        (object["results"] as? [[String: Any]] ?? []).compactMap { row in
            guard let n = row["n"] as? Int, let op = row["op"] as? String, let unit = row["unit"] as? String,
                let samples = row["samples"] as? [Double]
            else { return nil }
            return MLSBenchRow(n: n, op: op, unit: unit, samples: samples)
        }
    }

    /// Whether the anchor's add-one commit carries an UpdatePath (decoded with our codec).
    static func sampleCommitHasPath(_ object: [String: Any]) -> Bool? {
        guard let samples = object["sample_commits"] as? [String: Any],
            let first = samples.values.first as? [String: Any],
            let add1 = first["add1"] as? [String: Any], let hex = add1["commit"] as? String
        else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        guard case .publicMessage(let message) = try? MLSMessage(tlsSerialized: bytes).body,
            case .commit(let commit) = message.content.body
        else { return nil }
        return commit.path != nil
    }
}

enum MLSBenchMachine {
    static func loadAverage() -> String {
        let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)
        return text?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}

enum MLSBenchReport {
    static func table(
        ours: [MLSBenchRow], theirs: [MLSBenchRow], addPath: Bool, reps: Int, load: (String, String)
    ) -> String {
        var lines: [String] = []
        lines.append(
            "MLS, cipher suite 1; medians of \(reps); add-only commits \(addPath ? "with" : "without") UpdatePath; "
                + "load \(load.0) -> \(load.1)")
        lines.append(
            "    N  operation           unit        ours      mls-rs  ours/mls-rs")
        for row in ours {
            let other = theirs.first { $0.n == row.n && $0.op == row.op }
            let theirText = other.map { format($0.median) } ?? "-"
            var ratio = "-"
            if let other {
                let r = row.median / other.median
                let better = row.unit == "ms" ? r <= 1 : r >= 1
                ratio = String(format: "%.2f", r) + (better ? "" : "  (slower)")
            }
            lines.append(
                pad(String(row.n), 5, left: true) + "  " + pad(row.op, 18) + "  " + pad(row.unit, 5) + "  "
                    + pad(format(row.median), 10, left: true) + "  " + pad(theirText, 10, left: true) + "  "
                    + pad(ratio, 11, left: true))
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 1000 { return String(format: "%.0f", value) }
        return value >= 10 ? String(format: "%.1f", value) : String(format: "%.3f", value)
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }
}
