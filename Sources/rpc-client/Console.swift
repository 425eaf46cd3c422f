#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard output and standard error, so that what the client prints
/// interleaves correctly with the engine's own standard error and with libedit's output.
enum Console {
    /// Writes `text` and a new line to standard output.
    static func out(_ text: String) { write(text + "\n", to: STDOUT_FILENO) }

    /// Writes `text` and a new line to standard error.
    static func err(_ text: String) { write(text + "\n", to: STDERR_FILENO) }

    /// Writes `text` as is to `fd`, retrying short writes and interruptions.
    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let written = Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // EPIPE or similar: nobody is reading; nothing more to do.
                }
            }
        }
    }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Whether to colour output on standard output (a terminal, and `NO_COLOR` unset).
    static var usesColor: Bool { isTerminal(STDOUT_FILENO) && getenv("NO_COLOR") == nil }

    /// `strerror` as a Swift string.
    static func describe(errno code: Int32) -> String { String(cString: strerror(code)) }
}
