/// Reads I420 pictures from a YUV4MPEG2 file (`file:<path.y4m>`), one frame at a time.
public final class Y4MFileSource: VideoSource {
    /// The stream header.
    public let header: Y4MHeader
    private let file: BinaryFile

    /// Opens the file and reads its header; refuses non-4:2:0 streams.
    public init(path: String) throws(MediaFileError) {
        file = try BinaryFile.openForReading(path)
        guard let line = try file.readLine(maximumLength: 1024) else { throw .unsupported(path, "is empty") }
        do {
            header = try Y4MHeader(parsing: line)
        } catch {
            throw .unsupported(path, error.reason)
        }
    }

    /// Picture width from the header.
    public var width: Int { header.width }
    /// Picture height from the header.
    public var height: Int { header.height }
    /// Frame rate from the header, rounded.
    public var framesPerSecond: Int { header.framesPerSecond }

    /// The next picture; nil at the end; throws on a truncated frame.
    public func nextFrame() throws -> I420Frame? {
        guard let marker = try file.readLine(maximumLength: 1024) else { return nil }
        guard marker.starts(with: Array("FRAME".utf8)) else {
            throw MediaFileError.unsupported(file.path, "expected a FRAME marker")
        }
        let size = I420Frame.byteCount(width: header.width, height: header.height)
        let data = try file.read(upTo: size)
        guard let frame = I420Frame(width: header.width, height: header.height, data: data) else {
            throw MediaFileError.unsupported(file.path, "ends in the middle of a frame")
        }
        return frame
    }
}

/// Writes I420 pictures to a YUV4MPEG2 file (`file:<path.y4m>`).
public final class Y4MFileSink: VideoSink {
    /// The stream header written.
    public let header: Y4MHeader
    private let file: BinaryFile
    private var closed = false

    /// Creates (or truncates) the file and writes the header.
    public init(path: String, width: Int, height: Int, framesPerSecond: Int = 30) throws(MediaFileError) {
        header = Y4MHeader(width: width, height: height, frameRateNumerator: framesPerSecond)
        file = try BinaryFile.create(path)
        try file.write(Array((header.line + "\n").utf8))
    }

    deinit {
        if !closed { try? file.close() }
    }

    /// Appends one picture of the header's size.
    public func write(_ frame: I420Frame) throws {
        guard !closed else { throw MediaFileError.closed(file.path) }
        guard frame.width == header.width, frame.height == header.height else {
            throw MediaFileError.unsupported(
                file.path, "is \(header.width)x\(header.height), got a \(frame.width)x\(frame.height) frame")
        }
        try file.write(Array("FRAME\n".utf8))
        try file.write(frame.data)
    }

    /// Closes the file; later writes fail.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try file.close()
    }
}
