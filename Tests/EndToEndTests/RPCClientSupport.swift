#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FoundationEssentials
import Subprocess
import SystemPackage

/// Where the built `rpc-client` and `variance-engine` are: `$VARIANCE_BIN_DIR`; else the
/// directory of the running test bundle (`.build/debug` when `swift test` runs it); else
/// `.build/debug` of this checkout.
enum RPCClientBinaries {
    static var directory: String {
        if let dir = getenv("VARIANCE_BIN_DIR") { return String(cString: dir) }
        var buffer = [CChar](repeating: 0, count: 4097)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)])
            // On Darwin the bundle's executable is inside X.xctest/Contents/MacOS.
            if let bundle = dir.range(of: ".xctest/") { dir = String(dir[..<bundle.lowerBound]) }
            if access(dir + "/rpc-client", X_OK) == 0 { return dir }
        }
        let root = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))
        return "/" + root + "/.build/debug"
    }

    static var rpcClient: String { directory + "/rpc-client" }
    static var engine: String { directory + "/variance-engine" }
}

/// One run of the built `rpc-client`, as a script would run it: what it printed and how it
/// exited.
struct RPCClientRun: Sendable {
    var status: TerminationStatus
    var standardOutput: String
    var standardError: String

    /// The exit code; -1 if a signal ended it.
    var exitCode: Int32 {
        if case .exited(let code) = status { code } else { -1 }
    }

    /// Runs `rpc-client arguments...` with `input` on its standard input.
    static func run(
        _ arguments: [String], input: String = "", timeout: Duration = .seconds(120)
    ) async throws -> RPCClientRun {
        try await withThrowingTaskGroup(of: RPCClientRun.self) { group in
            group.addTask {
                let result = try await Subprocess.run(
                    .path(FilePath(RPCClientBinaries.rpcClient)),
                    arguments: Arguments(arguments),
                    input: .string(input),
                    output: .string(limit: 4 << 20),
                    error: .string(limit: 4 << 20))
                return RPCClientRun(
                    status: result.terminationStatus,
                    standardOutput: result.standardOutput,
                    standardError: result.standardError)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RPCClientTimeout(arguments: arguments)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// `rpc-client` did not finish in time.
struct RPCClientTimeout: Error, CustomStringConvertible {
    var arguments: [String]
    var description: String { "rpc-client \(arguments.joined(separator: " ")) did not finish in time" }
}

/// A fresh directory under the temporary directory, for one test's engine data.
struct ScratchDirectory: ~Copyable {
    let path: String

    init() throws {
        var template = Array("/tmp/rpc-client-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ScratchDirectoryError() }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// mkdtemp failed.
struct ScratchDirectoryError: Error {}
