#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Guards standard output for RPC frames.
public enum StandardStreams {
    /// Keeps a private duplicate of fd 1 for RPC frames and points fd 1 at standard error,
    /// so a stray `print` anywhere in the process lands in the log, not in the RPC stream.
    /// Also ignores SIGPIPE, so a client that goes away is an error code, not a crash.
    /// Returns the private descriptor.
    public static func protectStandardOutput() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let rpc = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard rpc >= 0 else { return 1 }
        _ = dup2(2, 1)
        return rpc
    }
}
