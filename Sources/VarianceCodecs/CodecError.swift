import COpus
import CVPX

/// A codec library refused an operation. Carries the library's own error code and message.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The library (`opus` or `vpx`).
    public let library: String
    /// What we asked the library to do.
    public let operation: String
    /// The library's error code.
    public let code: Int32
    /// The library's description of the code.
    public let message: String

    /// A sentence for logs.
    public var description: String { "\(library) \(operation) failed (\(code)): \(message)" }

    static func opus(_ operation: String, _ code: Int32) -> CodecError {
        CodecError(library: "opus", operation: operation, code: code, message: String(cString: opus_strerror(code)))
    }

    static func vpx(_ operation: String, _ code: vpx_codec_err_t) -> CodecError {
        CodecError(
            library: "vpx", operation: operation, code: Int32(code.rawValue),
            message: String(cString: vpx_codec_err_to_string(code))
        )
    }

    /// The caller passed something the codec cannot take (wrong frame size, odd dimensions).
    static func invalidInput(_ library: String, _ operation: String, _ message: String) -> CodecError {
        CodecError(library: library, operation: operation, code: -1, message: message)
    }
}
