/// One uncompressed picture in I420 (planar YUV 4:2:0): a full-size Y plane, then U and V
/// at half width and half height (rounded up), each tightly packed.
public struct I420Frame: Sendable, Equatable {
    /// Picture width in pixels.
    public let width: Int
    /// Picture height in pixels.
    public let height: Int
    /// Y, then U, then V.
    public var data: [UInt8]

    /// A frame of the given size filled with `y`, `u`, `v`.
    public init(width: Int, height: Int, y: UInt8 = 16, u: UInt8 = 128, v: UInt8 = 128) {
        precondition(width > 0 && height > 0, "I420Frame needs a positive size")
        self.width = width
        self.height = height
        let luma = width * height
        let chroma = Self.chromaWidth(width) * Self.chromaHeight(height)
        var data = [UInt8](repeating: y, count: luma + 2 * chroma)
        data.replaceSubrange(luma..<luma + chroma, with: repeatElement(u, count: chroma))
        data.replaceSubrange(luma + chroma..<luma + 2 * chroma, with: repeatElement(v, count: chroma))
        self.data = data
    }

    /// A frame over existing bytes; nil when `data` is not exactly one frame of this size.
    public init?(width: Int, height: Int, data: [UInt8]) {
        guard width > 0, height > 0, data.count == Self.byteCount(width: width, height: height) else { return nil }
        self.width = width
        self.height = height
        self.data = data
    }

    /// Width of the U and V planes for a picture `width` wide.
    public static func chromaWidth(_ width: Int) -> Int { (width + 1) / 2 }
    /// Height of the U and V planes for a picture `height` high.
    public static func chromaHeight(_ height: Int) -> Int { (height + 1) / 2 }

    /// Bytes in one frame of this size.
    public static func byteCount(width: Int, height: Int) -> Int {
        width * height + 2 * chromaWidth(width) * chromaHeight(height)
    }

    /// Width of this frame's U and V planes.
    public var chromaWidth: Int { Self.chromaWidth(width) }
    /// Height of this frame's U and V planes.
    public var chromaHeight: Int { Self.chromaHeight(height) }

    /// Offsets of the three planes in `data`.
    public var yRange: Range<Int> { 0..<width * height }
    /// Where the U plane is in `data`.
    public var uRange: Range<Int> { yRange.upperBound..<yRange.upperBound + chromaWidth * chromaHeight }
    /// Where the V plane is in `data`.
    public var vRange: Range<Int> { uRange.upperBound..<uRange.upperBound + chromaWidth * chromaHeight }

    /// Mean absolute difference of the Y planes of two frames of the same size; nil otherwise.
    public func meanAbsoluteLumaDifference(to other: I420Frame) -> Double? {
        guard width == other.width, height == other.height else { return nil }
        var total = 0
        for index in yRange {
            total += abs(Int(data[index]) - Int(other.data[index]))
        }
        return Double(total) / Double(width * height)
    }
}
