#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A media file could not be read or written, or holds a format we do not take.
public struct MediaFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// A sentence a person can act on.
    public let message: String

    /// The path and the message.
    public var description: String { "\(path): \(message)" }

    static func cannotOpen(_ path: String, errno code: Int32) -> MediaFileError {
        MediaFileError(path: path, message: "cannot open: \(String(cString: strerror(code)))")
    }

    static func readFailed(_ path: String, errno code: Int32) -> MediaFileError {
        MediaFileError(path: path, message: "read failed: \(String(cString: strerror(code)))")
    }

    static func writeFailed(_ path: String, errno code: Int32) -> MediaFileError {
        MediaFileError(path: path, message: "write failed: \(String(cString: strerror(code)))")
    }

    static func closed(_ path: String) -> MediaFileError {
        MediaFileError(path: path, message: "already closed")
    }

    /// The file is well-formed but not something we handle, or it is malformed.
    static func unsupported(_ path: String, _ message: String) -> MediaFileError {
        MediaFileError(path: path, message: message)
    }
}
