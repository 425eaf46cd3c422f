/// Puts Opus packets into RTP packets (RFC 7587): one Opus packet per RTP payload, a 48 kHz
/// timestamp clock whatever the coded bandwidth, 960 ticks per 20 ms frame.
public struct OpusPacketizer: Sendable {
    /// The RTP clock rate of Opus, always 48000 (RFC 7587 §4.1).
    public static let clockRate: UInt32 = 48_000
    /// Samples per channel in one 20 ms frame at 48 kHz.
    public static let samplesPerFrame = 960

    /// The dynamic payload type negotiated for Opus (111 by default).
    public let payloadType: UInt8
    /// This stream's synchronization source.
    public let ssrc: UInt32
    /// Sequence number of the next packet.
    public private(set) var sequenceNumber: UInt16
    /// RTP timestamp of the next packet.
    public private(set) var timestamp: UInt32

    /// Starting sequence number and timestamp should be random (RFC 3550 §5.1).
    public init(payloadType: UInt8 = 111, ssrc: UInt32, initialSequenceNumber: UInt16, initialTimestamp: UInt32) {
        self.payloadType = payloadType
        self.ssrc = ssrc
        sequenceNumber = initialSequenceNumber
        timestamp = initialTimestamp
    }

    /// Wraps one Opus packet covering `samples` 48 kHz samples per channel (960 for 20 ms).
    /// Set `marker` on the first packet after a silence (DTX) period.
    public mutating func packetize(_ opusPacket: [UInt8], samples: Int = OpusPacketizer.samplesPerFrame, marker: Bool = false) -> RTPPacket {
        let packet = RTPPacket(
            payloadType: payloadType, marker: marker, sequenceNumber: sequenceNumber, timestamp: timestamp,
            ssrc: ssrc, payload: opusPacket)
        sequenceNumber &+= 1
        timestamp &+= UInt32(truncatingIfNeeded: samples)
        return packet
    }

    /// Skips `samples` of timeline without sending (after a DTX pause, keeps timestamps true).
    public mutating func skip(samples: Int) {
        timestamp &+= UInt32(truncatingIfNeeded: samples)
    }
}

/// Reads Opus packets back out of RTP packets (RFC 7587).
public enum OpusDepacketizer {
    /// The largest Opus packet libopus produces (RFC 6716 §3.2: 120 ms of 1275-byte frames
    /// in code 3 framing, rounded up).
    public static let maximumPacketSize = 1275 * 3 + 7

    /// The Opus packet in `packet`, or nil when the payload cannot be one (empty or too big).
    public static func opusPacket(from packet: RTPPacket) -> [UInt8]? {
        guard !packet.payload.isEmpty, packet.payload.count <= maximumPacketSize else { return nil }
        return packet.payload
    }
}
