/// Reads PCM16 audio from a WAV file (`file:<path.wav>`), converting between mono and
/// stereo when asked. Only 48 kHz files are taken: resampling is not done here.
public final class WAVFileSource: AudioSource {
    /// Files larger than this are refused (about 15 minutes of 48 kHz stereo).
    public static let maximumFileSize = 192 << 20

    /// The file read.
    public let path: String
    /// Channels delivered (after conversion).
    public let channels: Int
    /// Always 48000.
    public let sampleRate: Int
    /// The file's own channel count.
    public let fileChannels: Int
    private let samples: [Int16]
    private var position = 0

    /// - Parameter channels: channels to deliver (1 or 2), or nil for the file's own.
    public init(path: String, channels: Int? = nil) throws(MediaFileError) {
        let bytes = try BinaryFile.readAll(path, limit: Self.maximumFileSize)
        let format: WAVFormat
        let range: Range<Int>
        do {
            (format, range) = try WAVFormat.parse(bytes)
        } catch {
            throw .unsupported(path, error.reason)
        }
        guard format.bitsPerSample == 16 else {
            throw .unsupported(path, "has \(format.bitsPerSample)-bit samples; only 16-bit PCM is supported")
        }
        guard format.sampleRate == 48_000 else {
            throw .unsupported(path, "is sampled at \(format.sampleRate) Hz; calls need 48000 Hz (resample it first, e.g. with sox or ffmpeg)")
        }
        guard format.channels == 1 || format.channels == 2 else {
            throw .unsupported(path, "has \(format.channels) channels; only mono and stereo are supported")
        }
        if let channels, channels != 1, channels != 2 {
            throw .unsupported(path, "cannot deliver \(channels) channels; ask for 1 or 2")
        }
        self.path = path
        fileChannels = format.channels
        self.channels = channels ?? format.channels
        sampleRate = format.sampleRate
        let usable = (range.count / (2 * format.channels)) * 2 * format.channels
        var decoded: [Int16] = []
        decoded.reserveCapacity(usable / 2)
        var index = range.lowerBound
        while index + 1 < range.lowerBound + usable {
            decoded.append(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8))
            index += 2
        }
        samples = decoded
    }

    /// Samples per channel in the file.
    public var totalFrameCount: Int { samples.count / fileChannels }

    /// The next samples; the last read may be short; nil at the end.
    public func read(frameCount: Int) -> AudioFrame? {
        guard position < samples.count, frameCount > 0 else { return nil }
        let end = min(position + frameCount * fileChannels, samples.count)
        let frame = AudioFrame(samples: Array(samples[position..<end]), channels: fileChannels, sampleRate: sampleRate)
        position = end
        return frame.converted(toChannels: channels)
    }
}
