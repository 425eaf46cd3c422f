import SwiftProtobuf
import VarianceProtos

/// Frames on the pipe between the engine and `variance-media`: a 4-byte big-endian length,
/// then that many bytes of one protobuf message (`MediaCommand` towards the media process,
/// `MediaReport` back). Both directions use the same framing.
public enum MediaFrame {
    /// The largest payload either side accepts. The biggest real message (a description with
    /// its SDP and candidates) is a few KiB.
    public static let maximumPayloadBytes = 64 * 1024
    static let headerBytes = 4

    /// `message` serialized and framed.
    public static func encode(_ message: some SwiftProtobuf.Message) throws(MediaIPCError) -> [UInt8] {
        guard let payload: [UInt8] = try? message.serializedBytes() else { throw .malformed }
        guard payload.count <= maximumPayloadBytes else { throw .frameTooLarge(payload.count) }
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + payload
    }

    /// A command as the media process reads it: a body of a kind it knows, or an error.
    public static func command(from payload: [UInt8]) throws(MediaIPCError) -> Variance_MediaCommand {
        guard let command = try? Variance_MediaCommand(serializedBytes: payload) else { throw .malformed }
        guard command.body != nil else { throw .unknownMessage }
        return command
    }

    /// A report as the engine reads it: a body of a kind it knows, or an error.
    public static func report(from payload: [UInt8]) throws(MediaIPCError) -> Variance_MediaReport {
        guard let report = try? Variance_MediaReport(serializedBytes: payload) else { throw .malformed }
        guard report.body != nil else { throw .unknownMessage }
        return report
    }
}
