/// Audio or video.
public enum MediaKind: String, Sendable, Equatable {
    case audio
    case video
}

/// A spec string could not be understood. The message says what is accepted.
public struct MediaSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec string as given.
    public let spec: String
    /// What is accepted instead.
    public let message: String

    /// A sentence naming the spec and what is accepted.
    public var description: String { "invalid media spec \"\(spec)\": \(message)" }
}

/// Where a call's media comes from, as written in configuration or on a command line:
///
/// - `tone:<hz>`: a sine tone, e.g. `tone:440`;
/// - `file:<path>.wav`: 48 kHz PCM16 audio;
/// - `pattern`: a moving test picture;
/// - `file:<path>.y4m`: raw I420 video.
public enum MediaSourceSpec: Sendable, Equatable, CustomStringConvertible {
    case tone(frequency: Double)
    case wavFile(path: String)
    case pattern
    case y4mFile(path: String)

    static let accepted = "use tone:<hz>, pattern, file:<path>.wav or file:<path>.y4m"

    /// Parses a spec string; the error says which forms are accepted.
    public init(parsing spec: String) throws(MediaSpecError) {
        if spec == "pattern" {
            self = .pattern
        } else if spec.hasPrefix("tone:") {
            let value = spec.dropFirst("tone:".count)
            guard let frequency = Double(value), frequency.isFinite, frequency > 0, frequency < 24_000 else {
                throw MediaSpecError(spec: spec, message: "the tone frequency must be a number of hertz between 0 and 24000, e.g. tone:440")
            }
            self = .tone(frequency: frequency)
        } else if spec.hasPrefix("file:") {
            let path = String(spec.dropFirst("file:".count))
            switch try fileExtension(of: path, spec: spec) {
            case "wav": self = .wavFile(path: path)
            case "y4m": self = .y4mFile(path: path)
            case let other:
                throw MediaSpecError(spec: spec, message: "sources read .wav (audio) or .y4m (video) files, not .\(other)")
            }
        } else {
            throw MediaSpecError(spec: spec, message: Self.accepted)
        }
    }

    /// The spec string this value was parsed from (in canonical form).
    public var description: String {
        switch self {
        case .tone(let frequency): "tone:\(frequency.rounded() == frequency ? String(Int(frequency)) : String(frequency))"
        case .wavFile(let path), .y4mFile(let path): "file:\(path)"
        case .pattern: "pattern"
        }
    }

    /// Whether the source produces audio or video.
    public var kind: MediaKind {
        switch self {
        case .tone, .wavFile: .audio
        case .pattern, .y4mFile: .video
        }
    }

    /// Opens an audio source delivering `channels` channels at 48 kHz.
    public func makeAudioSource(channels: Int = 1) throws -> any AudioSource {
        switch self {
        case .tone(let frequency): return ToneSource(frequency: frequency, channels: channels)
        case .wavFile(let path): return try WAVFileSource(path: path, channels: channels)
        case .pattern, .y4mFile: throw MediaSpecError(spec: description, message: "this is a video source; an audio source is needed here")
        }
    }

    /// Opens a video source; `pattern` renders at the given size and rate, a file has its own.
    public func makeVideoSource(width: Int = 640, height: Int = 480, framesPerSecond: Int = 30) throws -> any VideoSource {
        switch self {
        case .pattern: return PatternSource(width: width, height: height, framesPerSecond: framesPerSecond)
        case .y4mFile(let path): return try Y4MFileSource(path: path)
        case .tone, .wavFile: throw MediaSpecError(spec: description, message: "this is an audio source; a video source is needed here")
        }
    }
}

/// Where a call's received media goes:
///
/// - `null`: discarded;
/// - `file:<path>.wav`: decoded audio;
/// - `file:<path>.y4m`: decoded video;
/// - `file:<path>.ivf`: VP8 frames as received, not decoded.
public enum MediaSinkSpec: Sendable, Equatable, CustomStringConvertible {
    case null
    case wavFile(path: String)
    case y4mFile(path: String)
    case ivfFile(path: String)

    /// Parses a sink spec string; the error says which forms are accepted.
    public init(parsing spec: String) throws(MediaSpecError) {
        if spec == "null" {
            self = .null
        } else if spec.hasPrefix("file:") {
            let path = String(spec.dropFirst("file:".count))
            switch try fileExtension(of: path, spec: spec) {
            case "wav": self = .wavFile(path: path)
            case "y4m": self = .y4mFile(path: path)
            case "ivf": self = .ivfFile(path: path)
            case let other:
                throw MediaSpecError(spec: spec, message: "sinks write .wav, .y4m or .ivf files, not .\(other)")
            }
        } else {
            throw MediaSpecError(spec: spec, message: "use null, file:<path>.wav, file:<path>.y4m or file:<path>.ivf")
        }
    }

    /// The spec string this value was parsed from.
    public var description: String {
        switch self {
        case .null: "null"
        case .wavFile(let path), .y4mFile(let path), .ivfFile(let path): "file:\(path)"
        }
    }

    /// The kind of media the sink takes, or nil for `null`, which takes anything.
    public var kind: MediaKind? {
        switch self {
        case .null: nil
        case .wavFile: .audio
        case .y4mFile, .ivfFile: .video
        }
    }

    /// Opens a sink for decoded audio (`null` or `.wav`).
    public func makeAudioSink(channels: Int = 1) throws -> any AudioSink {
        switch self {
        case .null: return NullSink()
        case .wavFile(let path): return try WAVFileSink(path: path, channels: channels)
        case .y4mFile, .ivfFile: throw MediaSpecError(spec: description, message: "this is a video sink; an audio sink is needed here")
        }
    }

    /// A sink for decoded pictures (`null` or `.y4m`).
    public func makeVideoSink(width: Int, height: Int, framesPerSecond: Int = 30) throws -> any VideoSink {
        switch self {
        case .null: return NullSink()
        case .y4mFile(let path): return try Y4MFileSink(path: path, width: width, height: height, framesPerSecond: framesPerSecond)
        case .ivfFile: throw MediaSpecError(spec: description, message: ".ivf files take encoded frames; use makeEncodedVideoSink")
        case .wavFile: throw MediaSpecError(spec: description, message: "this is an audio sink; a video sink is needed here")
        }
    }

    /// A sink for encoded VP8 frames (`null` or `.ivf`).
    public func makeEncodedVideoSink(width: Int, height: Int, framesPerSecond: Int = 30) throws -> any EncodedVideoSink {
        switch self {
        case .null: return NullSink()
        case .ivfFile(let path): return try IVFFileSink(path: path, width: width, height: height, timeBaseRate: UInt32(max(framesPerSecond, 1)))
        case .y4mFile: throw MediaSpecError(spec: description, message: ".y4m files take decoded pictures; use makeVideoSink")
        case .wavFile: throw MediaSpecError(spec: description, message: "this is an audio sink; a video sink is needed here")
        }
    }
}

/// The lower-cased extension of `path`, or an error naming the spec.
private func fileExtension(of path: String, spec: String) throws(MediaSpecError) -> String {
    guard !path.isEmpty else { throw MediaSpecError(spec: spec, message: "the file path is empty") }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else {
        throw MediaSpecError(spec: spec, message: "the file name needs an extension (.wav, .y4m or .ivf)")
    }
    return name[name.index(after: dot)...].lowercased()
}
