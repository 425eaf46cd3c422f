/// Writes PCM16 audio to a WAV file (`file:<path.wav>`). The header's sizes are written as
/// zero first and fixed up on `close()`.
public final class WAVFileSink: AudioSink {
    /// Channels and rate of the file being written.
    public let format: WAVFormat
    private let file: BinaryFile
    private var dataSize: UInt64 = 0
    private var closed = false

    /// Creates (or truncates) the file and writes a provisional header.
    public init(path: String, channels: Int = 1, sampleRate: Int = 48_000) throws(MediaFileError) {
        format = WAVFormat(channels: channels, sampleRate: sampleRate)
        file = try BinaryFile.create(path)
        try file.write(format.header(dataSize: 0))
    }

    deinit {
        if !closed { try? close() }
    }

    /// Appends audio, converted to the file's channel count; the rate must match.
    public func write(_ frame: AudioFrame) throws {
        guard !closed else { throw MediaFileError.closed(file.path) }
        guard frame.sampleRate == format.sampleRate else {
            throw MediaFileError.unsupported(file.path, "is written at \(format.sampleRate) Hz, got a \(frame.sampleRate) Hz frame")
        }
        let converted = frame.converted(toChannels: format.channels)
        guard dataSize + UInt64(converted.samples.count * 2) <= UInt64(UInt32.max - 36) else {
            throw MediaFileError.unsupported(file.path, "WAV files cannot grow past 4 GiB")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(converted.samples.count * 2)
        for sample in converted.samples { bytes.appendLittleEndian(UInt16(bitPattern: sample)) }
        try file.write(bytes)
        dataSize += UInt64(bytes.count)
    }

    /// Fixes up the header's sizes and closes the file; later writes fail.
    public func close() throws {
        guard !closed else { return }
        closed = true
        let size = UInt32(dataSize)
        var riffSize: [UInt8] = []
        riffSize.appendLittleEndian(size + 36)
        var dataSizeBytes: [UInt8] = []
        dataSizeBytes.appendLittleEndian(size)
        try file.overwrite(at: 4, with: riffSize)
        try file.overwrite(at: 40, with: dataSizeBytes)
        try file.close()
    }
}
