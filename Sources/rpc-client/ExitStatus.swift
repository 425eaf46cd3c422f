/// The exit statuses of `rpc-client`, for scripts.
enum ExitStatus {
    /// Success.
    static let success: Int32 = 0
    /// `call`: the engine answered with a JSON-RPC error.
    static let callFailed: Int32 = 1
    /// Bad command line, or (without a terminal) input lines that could not be parsed.
    static let usage: Int32 = 2
    /// The engine could not be started, failed, died, or did not answer in time.
    static let engineUnavailable: Int32 = 3
}
