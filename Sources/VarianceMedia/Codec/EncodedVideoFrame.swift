/// One compressed video frame, as the encoder produced it or the depacketizer reassembled it.
public struct EncodedVideoFrame: Sendable, Equatable {
    /// The VP8 bitstream of the frame.
    public var data: [UInt8]
    /// Whether the frame decodes on its own (a VP8 key frame).
    public var isKeyframe: Bool
    /// Presentation time in the stream's time base (frames for the encoder, the 90 kHz RTP
    /// clock after depacketizing).
    public var timestamp: Int64

    /// A frame over `data` as produced by an encoder or reassembled from RTP.
    public init(data: [UInt8], isKeyframe: Bool, timestamp: Int64) {
        self.data = data
        self.isKeyframe = isKeyframe
        self.timestamp = timestamp
    }

    /// Whether a VP8 frame header says key frame (RFC 6386 §9.1): bit 0 of the first byte
    /// is 0, and the 3-byte frame tag is followed by the start code 9d 01 2a.
    public static func isVP8Keyframe(_ data: [UInt8]) -> Bool {
        guard data.count >= 10 else { return false }
        return data[0] & 0x01 == 0 && data[3] == 0x9D && data[4] == 0x01 && data[5] == 0x2A
    }
}
