/// The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741 §4.2).
///
/// ```
///      0 1 2 3 4 5 6 7
///     |X|R|N|S|R| PID |   (required)
/// X:  |I|L|T|K| RSV   |   (optional)
/// I:  |M| PictureID   |   (optional; 15 bits when M is set)
/// L:  |   TL0PICIDX   |   (optional)
/// T/K:|TID|Y| KEYIDX  |   (optional)
/// ```
public struct VP8PayloadDescriptor: Sendable, Equatable {
    /// The frame is not used as a reference by later frames.
    public var isNonReference: Bool
    /// This packet starts a VP8 partition.
    public var isPartitionStart: Bool
    /// Partition index, 0...7.
    public var partitionIndex: UInt8
    /// Picture ID (7 or 15 bits), if present.
    public var pictureID: UInt16?
    /// TL0PICIDX, if present.
    public var temporalLayerZeroIndex: UInt8?
    /// Temporal layer index, 0...3.
    public var temporalLayerID: UInt8?
    /// Layer sync bit (Y).
    public var layerSync: Bool
    /// KEYIDX, if present (5 bits).
    public var keyIndex: UInt8?

    /// A descriptor; fields are masked to their widths.
    public init(
        isNonReference: Bool = false, isPartitionStart: Bool, partitionIndex: UInt8 = 0, pictureID: UInt16? = nil,
        temporalLayerZeroIndex: UInt8? = nil, temporalLayerID: UInt8? = nil, layerSync: Bool = false, keyIndex: UInt8? = nil
    ) {
        self.isNonReference = isNonReference
        self.isPartitionStart = isPartitionStart
        self.partitionIndex = partitionIndex & 0x07
        self.pictureID = pictureID.map { $0 & 0x7FFF }
        self.temporalLayerZeroIndex = temporalLayerZeroIndex
        self.temporalLayerID = temporalLayerID.map { $0 & 0x03 }
        self.layerSync = layerSync
        self.keyIndex = keyIndex.map { $0 & 0x1F }
    }

    /// Whether this packet starts a new frame: start of partition 0.
    public var startsFrame: Bool { isPartitionStart && partitionIndex == 0 }

    /// Parses the descriptor at the start of `payload`; returns it and the VP8 bytes after it.
    public static func parse(_ payload: [UInt8]) throws(MediaParseError) -> (VP8PayloadDescriptor, ArraySlice<UInt8>) {
        var reader = ByteReader(payload)
        let first = try reader.readUInt8()
        var descriptor = VP8PayloadDescriptor(
            isNonReference: first & 0x20 != 0, isPartitionStart: first & 0x10 != 0, partitionIndex: first & 0x07)
        if first & 0x80 != 0 {
            let extended = try reader.readUInt8()
            if extended & 0x80 != 0 {
                let high = try reader.readUInt8()
                if high & 0x80 != 0 {
                    let low = try reader.readUInt8()
                    descriptor.pictureID = UInt16(high & 0x7F) << 8 | UInt16(low)
                } else {
                    descriptor.pictureID = UInt16(high & 0x7F)
                }
            }
            if extended & 0x40 != 0 {
                descriptor.temporalLayerZeroIndex = try reader.readUInt8()
            }
            if extended & 0x30 != 0 {
                let byte = try reader.readUInt8()
                if extended & 0x20 != 0 {
                    descriptor.temporalLayerID = byte >> 6
                    descriptor.layerSync = byte & 0x20 != 0
                }
                if extended & 0x10 != 0 {
                    descriptor.keyIndex = byte & 0x1F
                }
            }
        }
        let consumed = payload.count - reader.remaining
        guard consumed < payload.count else { throw .inconsistent("VP8 payload has a descriptor but no data") }
        return (descriptor, payload[consumed...])
    }

    /// The descriptor's wire bytes; a present picture ID is always written in 15 bits.
    public func serialized() -> [UInt8] {
        let hasTOrK = temporalLayerID != nil || keyIndex != nil
        let hasExtension = pictureID != nil || temporalLayerZeroIndex != nil || hasTOrK
        var out: [UInt8] = []
        var first: UInt8 = partitionIndex & 0x07
        if hasExtension { first |= 0x80 }
        if isNonReference { first |= 0x20 }
        if isPartitionStart { first |= 0x10 }
        out.append(first)
        guard hasExtension else { return out }
        var extended: UInt8 = 0
        if pictureID != nil { extended |= 0x80 }
        if temporalLayerZeroIndex != nil { extended |= 0x40 }
        if temporalLayerID != nil { extended |= 0x20 }
        if keyIndex != nil { extended |= 0x10 }
        out.append(extended)
        if let pictureID {
            out.append(0x80 | UInt8(truncatingIfNeeded: pictureID >> 8) & 0x7F)
            out.append(UInt8(truncatingIfNeeded: pictureID))
        }
        if let temporalLayerZeroIndex { out.append(temporalLayerZeroIndex) }
        if hasTOrK {
            var byte: UInt8 = 0
            if let temporalLayerID { byte |= (temporalLayerID & 0x03) << 6 | (layerSync ? 0x20 : 0) }
            if let keyIndex { byte |= keyIndex & 0x1F }
            out.append(byte)
        }
        return out
    }
}
