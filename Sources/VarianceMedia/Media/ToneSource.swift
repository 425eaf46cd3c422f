#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An endless sine tone (`tone:<hz>`), the same on every channel.
public final class ToneSource: AudioSource {
    /// Tone frequency in hertz.
    public let frequency: Double
    /// Channels produced (the same tone on each).
    public let channels: Int
    /// Samples per second per channel.
    public let sampleRate: Int
    /// Peak amplitude as a fraction of full scale.
    public let amplitude: Double
    private var phase = 0.0

    /// A tone at `frequency` hertz, half of full scale by default.
    public init(frequency: Double, channels: Int = 1, sampleRate: Int = 48_000, amplitude: Double = 0.5) {
        self.frequency = frequency
        self.channels = max(channels, 1)
        self.sampleRate = sampleRate
        self.amplitude = min(max(amplitude, 0), 1)
    }

    /// The next `frameCount` samples per channel; never ends.
    public func read(frameCount: Int) -> AudioFrame? {
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        var samples: [Int16] = []
        samples.reserveCapacity(frameCount * channels)
        for _ in 0..<max(frameCount, 0) {
            let value = Int16(clamping: Int((sin(phase) * amplitude * 32767).rounded()))
            for _ in 0..<channels { samples.append(value) }
            phase += step
            if phase >= 2 * Double.pi { phase -= 2 * Double.pi }
        }
        return AudioFrame(samples: samples, channels: channels, sampleRate: sampleRate)
    }
}
