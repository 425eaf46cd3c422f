/// Interleaved PCM16 audio.
public struct AudioFrame: Sendable, Equatable {
    /// Samples, channel-interleaved.
    public var samples: [Int16]
    /// Interleaved channels, 1 or 2.
    public var channels: Int
    /// Samples per second per channel.
    public var sampleRate: Int

    /// Audio over interleaved `samples`.
    public init(samples: [Int16], channels: Int, sampleRate: Int = 48_000) {
        self.samples = samples
        self.channels = channels
        self.sampleRate = sampleRate
    }

    /// Samples per channel.
    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }

    /// The same audio with `channels` channels: mono is duplicated to stereo, stereo is
    /// averaged to mono.
    public func converted(toChannels target: Int) -> AudioFrame {
        guard target != channels else { return self }
        switch (channels, target) {
        case (1, 2):
            return AudioFrame(samples: samples.flatMap { [$0, $0] }, channels: 2, sampleRate: sampleRate)
        case (2, 1):
            var mono: [Int16] = []
            mono.reserveCapacity(samples.count / 2)
            var index = 0
            while index + 1 < samples.count {
                mono.append(Int16((Int(samples[index]) + Int(samples[index + 1])) / 2))
                index += 2
            }
            return AudioFrame(samples: mono, channels: 1, sampleRate: sampleRate)
        default:
            return self
        }
    }
}

/// Where call audio comes from: a generator, a file, later a microphone.
public protocol AudioSource: AnyObject {
    var channels: Int { get }
    var sampleRate: Int { get }
    /// The next `frameCount` samples per channel; fewer at the end of a finite source; nil
    /// after the end.
    func read(frameCount: Int) throws -> AudioFrame?
}

/// Where received audio goes: a file, nothing, later a speaker.
public protocol AudioSink: AnyObject {
    func write(_ frame: AudioFrame) throws
    /// Finishes the output (fixes up file headers). Writing afterwards fails.
    func close() throws
}

/// Where call video comes from: a generator, a file, later a camera.
public protocol VideoSource: AnyObject {
    var width: Int { get }
    var height: Int { get }
    var framesPerSecond: Int { get }
    /// The next picture; nil after the end of a finite source.
    func nextFrame() throws -> I420Frame?
}

/// Where decoded video goes.
public protocol VideoSink: AnyObject {
    func write(_ frame: I420Frame) throws
    func close() throws
}

/// Where compressed video goes without decoding (recording a stream as received).
public protocol EncodedVideoSink: AnyObject {
    func write(_ frame: EncodedVideoFrame) throws
    func close() throws
}

/// Discards everything written to it.
public final class NullSink: AudioSink, VideoSink, EncodedVideoSink {
    /// Frames written since creation, of all kinds.
    public private(set) var framesWritten = 0

    /// A sink that keeps nothing.
    public init() {}

    /// Discards the audio.
    public func write(_ frame: AudioFrame) { framesWritten += 1 }
    /// Discards the picture.
    public func write(_ frame: I420Frame) { framesWritten += 1 }
    /// Discards the frame.
    public func write(_ frame: EncodedVideoFrame) { framesWritten += 1 }
    /// Does nothing.
    public func close() {}
}
