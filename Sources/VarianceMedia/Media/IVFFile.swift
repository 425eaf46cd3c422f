/// The IVF container: a 32-byte header, then per frame a 12-byte header (size, 64-bit
/// timestamp, little-endian) and the frame.
///
/// ```
/// "DKIF" | version u16 = 0 | header size u16 = 32 | fourcc "VP80" | width u16 | height u16
/// | time base denominator u32 | numerator u32 | frame count u32 | unused u32
/// ```
public struct IVFFile: Sendable, Equatable {
    /// Codec identifier, "VP80" for VP8.
    public var fourCC: String
    /// Picture width from the header.
    public var width: Int
    /// Picture height from the header.
    public var height: Int
    /// Frames per second = rate / scale; timestamps count 1/rate * scale seconds.
    public var timeBaseRate: UInt32
    public var timeBaseScale: UInt32
    /// Frames with their timestamps; `isKeyframe` is read from the VP8 frame header.
    public var frames: [EncodedVideoFrame]

    /// An IVF file in memory, e.g. to serialize.
    public init(fourCC: String = "VP80", width: Int, height: Int, timeBaseRate: UInt32, timeBaseScale: UInt32 = 1, frames: [EncodedVideoFrame] = []) {
        self.fourCC = fourCC
        self.width = width
        self.height = height
        self.timeBaseRate = timeBaseRate
        self.timeBaseScale = timeBaseScale
        self.frames = frames
    }

    static let headerSize = 32
    static let frameHeaderSize = 12

    static func header(fourCC: String, width: Int, height: Int, rate: UInt32, scale: UInt32, frameCount: UInt32) -> [UInt8] {
        var out = Array("DKIF".utf8)
        out.appendLittleEndian(UInt16(0))
        out.appendLittleEndian(UInt16(headerSize))
        out += Array((fourCC + "    ").utf8.prefix(4))
        out.appendLittleEndian(UInt16(clamping: width))
        out.appendLittleEndian(UInt16(clamping: height))
        out.appendLittleEndian(rate)
        out.appendLittleEndian(scale)
        out.appendLittleEndian(frameCount)
        out.appendLittleEndian(UInt32(0))
        return out
    }

    /// The whole file's bytes.
    public func serialized() -> [UInt8] {
        var out = Self.header(fourCC: fourCC, width: width, height: height, rate: timeBaseRate, scale: timeBaseScale, frameCount: UInt32(frames.count))
        for frame in frames { Self.appendFrame(frame, to: &out) }
        return out
    }

    static func appendFrame(_ frame: EncodedVideoFrame, to out: inout [UInt8]) {
        out.appendLittleEndian(UInt32(frame.data.count))
        out.appendLittleEndian(UInt64(bitPattern: frame.timestamp))
        out += frame.data
    }

    /// Parses a whole IVF file. The header's frame count is not trusted: frames are read to
    /// the end; a truncated last frame is refused.
    public init(parsing bytes: [UInt8]) throws(MediaParseError) {
        let all = bytes[...]
        guard bytes.count >= Self.headerSize, Array(bytes[0..<4]) == Array("DKIF".utf8),
            let headerSize = all.littleEndianUInt16(at: 6), Int(headerSize) >= Self.headerSize, Int(headerSize) <= bytes.count,
            let width = all.littleEndianUInt16(at: 12), let height = all.littleEndianUInt16(at: 14),
            let rate = all.littleEndianUInt32(at: 16), let scale = all.littleEndianUInt32(at: 20)
        else { throw .inconsistent("not an IVF file") }
        fourCC = String(decoding: bytes[8..<12], as: UTF8.self)
        self.width = Int(width)
        self.height = Int(height)
        timeBaseRate = rate
        timeBaseScale = scale
        var frames: [EncodedVideoFrame] = []
        var offset = Int(headerSize)
        while offset < bytes.count {
            guard let size = all.littleEndianUInt32(at: offset), let timestamp = all.littleEndianUInt64(at: offset + 4) else {
                throw .truncated
            }
            let start = offset + Self.frameHeaderSize
            guard Int(size) <= bytes.count - start else { throw .truncated }
            let data = Array(bytes[start..<start + Int(size)])
            frames.append(EncodedVideoFrame(data: data, isKeyframe: EncodedVideoFrame.isVP8Keyframe(data), timestamp: Int64(bitPattern: timestamp)))
            offset = start + Int(size)
        }
        self.frames = frames
    }

    /// Reads an IVF file from disk (at most 256 MiB).
    public static func read(path: String) throws(MediaFileError) -> IVFFile {
        let bytes = try BinaryFile.readAll(path, limit: 256 << 20)
        do {
            return try IVFFile(parsing: bytes)
        } catch {
            throw .unsupported(path, error.reason)
        }
    }
}

/// Writes VP8 frames to an IVF file (`file:<path.ivf>`) as they come; the frame count in the
/// header is fixed up on `close()`.
public final class IVFFileSink: EncodedVideoSink {
    private let file: BinaryFile
    private var frameCount: UInt32 = 0
    private var closed = false

    /// Timestamps written are those of the frames (frame counts for the encoder's output,
    /// with `timeBaseRate` = frames per second).
    public init(path: String, width: Int, height: Int, timeBaseRate: UInt32 = 30, timeBaseScale: UInt32 = 1) throws(MediaFileError) {
        file = try BinaryFile.create(path)
        try file.write(IVFFile.header(fourCC: "VP80", width: width, height: height, rate: timeBaseRate, scale: timeBaseScale, frameCount: 0))
    }

    deinit {
        if !closed { try? close() }
    }

    /// Appends one frame with its timestamp.
    public func write(_ frame: EncodedVideoFrame) throws {
        guard !closed else { throw MediaFileError.closed(file.path) }
        var bytes: [UInt8] = []
        IVFFile.appendFrame(frame, to: &bytes)
        try file.write(bytes)
        frameCount &+= 1
    }

    /// Writes the frame count into the header and closes the file.
    public func close() throws {
        guard !closed else { return }
        closed = true
        var count: [UInt8] = []
        count.appendLittleEndian(frameCount)
        try file.overwrite(at: 24, with: count)
        try file.close()
    }
}
