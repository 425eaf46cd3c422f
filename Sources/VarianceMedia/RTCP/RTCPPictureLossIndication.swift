/// Picture Loss Indication, PLI: payload-specific feedback (PT 206) with FMT 1 (RFC 4585 §6.3.1).
/// The receiver of a video stream asks its sender for a keyframe.
public struct RTCPPictureLossIndication: Sendable, Equatable {
    /// The source sending this feedback.
    public var senderSSRC: UInt32
    /// The media source that should send a keyframe.
    public var mediaSSRC: UInt32

    /// A PLI from `senderSSRC` about `mediaSSRC`.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// The feedback message type (FMT) of PLI.
    static let format: UInt8 = 1

    init(parsingBody body: ArraySlice<UInt8>) throws(MediaParseError) {
        var reader = ByteReader(body)
        senderSSRC = try reader.readUInt32()
        mediaSSRC = try reader.readUInt32()
        // PLI has no feedback control information; anything further is ignored.
    }

    func body() -> [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(senderSSRC)
        out.appendBigEndian(mediaSSRC)
        return out
    }
}
