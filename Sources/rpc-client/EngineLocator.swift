#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds `variance-engine` when no `--engine` is given: next to the `rpc-client`
/// executable (as in a build directory or an install prefix), else on `PATH`.
enum EngineLocator {
    /// The engine's file name.
    static let engineName = "variance-engine"

    /// The path of the engine to start by default.
    static func defaultEnginePath() throws(EngineUnavailable) -> String {
        if let directory = executableDirectory() {
            let sibling = directory + "/" + engineName
            if access(sibling, X_OK) == 0 { return sibling }
        }
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + engineName
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw EngineUnavailable(
            "Could not find \(engineName) next to rpc-client or on PATH; pass --engine PATH.")
    }

    /// The directory of the running executable (from /proc/self/exe, else argv[0]).
    private static func executableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        var path: String?
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        } else if let argv0 = CommandLine.arguments.first, argv0.contains("/"),
            let resolved = realpath(argv0, nil)
        {
            path = String(cString: resolved)
            free(resolved)
        }
        guard let path, let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
