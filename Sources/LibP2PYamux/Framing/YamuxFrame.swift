/// A whole yamux frame: its header and, for Data frames, the payload.
///
/// The session writes frames straight into its output buffer; this type serves the
/// standalone ``YamuxFrameDecoder`` and lets tests build exact wire bytes, including
/// malformed ones (``encode(into:)`` writes the header as given).
public struct YamuxFrame: Hashable, Sendable {
    /// The header, as sent or received.
    public var header: YamuxFrameHeader
    /// The Data payload; empty for the other types.
    public var payload: [UInt8]

    /// A frame with the given header and payload. The header's length is not adjusted.
    public init(header: YamuxFrameHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }

    /// A Data frame whose length field is the payload's length.
    public static func data(_ stream: YamuxStreamID, flags: YamuxFlags = [], _ payload: [UInt8] = []) -> YamuxFrame {
        YamuxFrame(
            header: YamuxFrameHeader(type: .data, flags: flags, streamID: stream, length: UInt32(payload.count)),
            payload: payload
        )
    }

    /// A WindowUpdate frame granting `delta` more bytes.
    public static func windowUpdate(_ stream: YamuxStreamID, flags: YamuxFlags = [], delta: UInt32) -> YamuxFrame {
        YamuxFrame(header: YamuxFrameHeader(type: .windowUpdate, flags: flags, streamID: stream, length: delta))
    }

    /// A Ping frame: `.syn` for a request, `.ack` for the reply.
    public static func ping(flags: YamuxFlags, opaque: UInt32) -> YamuxFrame {
        YamuxFrame(header: YamuxFrameHeader(type: .ping, flags: flags, streamID: .session, length: opaque))
    }

    /// A GoAway frame.
    public static func goAway(_ code: YamuxGoAwayCode) -> YamuxFrame {
        YamuxFrame(header: YamuxFrameHeader(type: .goAway, streamID: .session, length: code.rawValue))
    }

    /// Appends the header and payload to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        header.encode(into: &buffer)
        buffer.append(contentsOf: payload)
    }

    /// The header and payload bytes.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(YamuxFrameHeader.encodedLength + payload.count)
        encode(into: &bytes)
        return bytes
    }
}
