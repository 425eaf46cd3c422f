/// Splits VP8 frames into RTP packets (RFC 7741 §5), each payload at most `maximumPayloadSize`
/// bytes including the 4-byte descriptor. Every packet carries a 15-bit picture ID, which
/// increases by one per frame; the frame's last packet has the marker bit set.
public struct VP8Packetizer: Sendable {
    /// The RTP clock rate of video, 90 kHz (RFC 7741 §6.1).
    public static let clockRate: UInt32 = 90_000

    /// The dynamic payload type negotiated for VP8 (96 by default).
    public let payloadType: UInt8
    /// This stream's synchronization source.
    public let ssrc: UInt32
    /// Largest RTP payload, descriptor included.
    public let maximumPayloadSize: Int
    /// Sequence number of the next packet.
    public private(set) var sequenceNumber: UInt16
    /// Picture ID of the next frame (15 bits).
    public private(set) var pictureID: UInt16

    /// Starting sequence number and picture ID should be random (RFC 3550 §5.1).
    public init(
        payloadType: UInt8 = 96, ssrc: UInt32, initialSequenceNumber: UInt16, initialPictureID: UInt16 = 0,
        maximumPayloadSize: Int = 1200
    ) {
        self.payloadType = payloadType
        self.ssrc = ssrc
        sequenceNumber = initialSequenceNumber
        pictureID = initialPictureID & 0x7FFF
        self.maximumPayloadSize = max(maximumPayloadSize, 8)
    }

    /// The RTP packets of one frame, in sending order. An empty frame yields no packets.
    public mutating func packetize(_ frame: [UInt8], timestamp: UInt32) -> [RTPPacket] {
        guard !frame.isEmpty else { return [] }
        defer { pictureID = (pictureID &+ 1) & 0x7FFF }
        let descriptorSize = VP8PayloadDescriptor(isPartitionStart: true, pictureID: pictureID).serialized().count
        let room = maximumPayloadSize - descriptorSize
        // Equal-sized fragments (the last may be one byte shorter), rather than full ones
        // and a runt.
        let fragmentCount = (frame.count + room - 1) / room
        let baseSize = frame.count / fragmentCount
        let larger = frame.count % fragmentCount
        var packets: [RTPPacket] = []
        packets.reserveCapacity(fragmentCount)
        var offset = 0
        for index in 0..<fragmentCount {
            let size = baseSize + (index < larger ? 1 : 0)
            let descriptor = VP8PayloadDescriptor(isPartitionStart: index == 0, partitionIndex: 0, pictureID: pictureID)
            let payload = descriptor.serialized() + frame[offset..<offset + size]
            offset += size
            packets.append(
                RTPPacket(
                    payloadType: payloadType, marker: index == fragmentCount - 1, sequenceNumber: sequenceNumber,
                    timestamp: timestamp, ssrc: ssrc, payload: payload))
            sequenceNumber &+= 1
        }
        return packets
    }
}
