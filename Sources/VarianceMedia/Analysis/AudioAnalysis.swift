#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measurements on PCM audio, for tests and diagnostics.
public enum AudioAnalysis {
    /// The strongest frequency in `samples` (mono), in hertz.
    ///
    /// A Hann-windowed real FFT (zero-padded to a power of two, at most 65536 points) finds the
    /// peak bin; a Goertzel sweep in 0.05 Hz steps over the bins on either side of it then
    /// places the peak well within 1 Hz. Returns nil for fewer than 64 samples or silence.
    public static func dominantFrequency(of samples: [Int16], sampleRate: Int) -> Double? {
        dominantFrequency(of: samples.map { Double($0) / 32768 }, sampleRate: sampleRate)
    }

    /// The strongest frequency in mono samples scaled to -1...1; see the PCM16 variant.
    public static func dominantFrequency(of samples: [Double], sampleRate: Int) -> Double? {
        guard samples.count >= 64, sampleRate > 0 else { return nil }
        let window = hannWindowed(Array(samples.suffix(65_536)))
        var size = 1
        while size < window.count { size <<= 1 }
        var real = window + [Double](repeating: 0, count: size - window.count)
        var imaginary = [Double](repeating: 0, count: size)
        fft(&real, &imaginary)
        var peak = 1
        var peakPower = 0.0
        for bin in 1..<size / 2 {
            let power = real[bin] * real[bin] + imaginary[bin] * imaginary[bin]
            if power > peakPower {
                peakPower = power
                peak = bin
            }
        }
        guard peakPower > 1e-12 else { return nil }
        let binWidth = Double(sampleRate) / Double(size)
        // Refine: the Goertzel power of the windowed signal, swept across the neighbouring bins.
        var best = Double(peak) * binWidth
        var bestPower = -1.0
        var frequency = max(Double(peak - 1) * binWidth, 0)
        let end = Double(peak + 1) * binWidth
        while frequency <= end {
            let power = goertzelPower(window, frequency: frequency, sampleRate: Double(sampleRate))
            if power > bestPower {
                bestPower = power
                best = frequency
            }
            frequency += 0.05
        }
        return best
    }

    /// Power of `samples` at one frequency (Goertzel's algorithm).
    public static func goertzelPower(_ samples: [Double], frequency: Double, sampleRate: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / sampleRate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = sample + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
    }

    /// Fraction (0...1) of 10 ms windows whose RMS level is above `thresholdDBFS`.
    public static func nonSilentFraction(of samples: [Int16], sampleRate: Int, thresholdDBFS: Double = -50) -> Double {
        let windowSize = max(sampleRate / 100, 1)
        let threshold = pow(10, thresholdDBFS / 20) * 32768
        var windows = 0
        var loud = 0
        var start = 0
        while start + windowSize <= samples.count {
            var sum = 0.0
            for index in start..<start + windowSize {
                let value = Double(samples[index])
                sum += value * value
            }
            if (sum / Double(windowSize)).squareRoot() > threshold { loud += 1 }
            windows += 1
            start += windowSize
        }
        return windows == 0 ? 0 : Double(loud) / Double(windows)
    }

    /// RMS level in dBFS (-infinity for silence).
    public static func rmsDBFS(of samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return -.infinity }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return 20 * log10((sum / Double(samples.count)).squareRoot() / 32768)
    }

    private static func hannWindowed(_ samples: [Double]) -> [Double] {
        let count = samples.count
        guard count > 1 else { return samples }
        return samples.enumerated().map { index, sample in
            sample * (0.5 - 0.5 * cos(2 * Double.pi * Double(index) / Double(count - 1)))
        }
    }

    /// In-place iterative radix-2 FFT; the count must be a power of two.
    static func fft(_ real: inout [Double], _ imaginary: inout [Double]) {
        let count = real.count
        guard count > 1 else { return }
        // Bit-reversal permutation.
        var reversed = 0
        for index in 1..<count {
            var bit = count >> 1
            while reversed & bit != 0 {
                reversed ^= bit
                bit >>= 1
            }
            reversed |= bit
            if index < reversed {
                real.swapAt(index, reversed)
                imaginary.swapAt(index, reversed)
            }
        }
        var length = 2
        while length <= count {
            let angle = -2 * Double.pi / Double(length)
            let stepReal = cos(angle)
            let stepImaginary = sin(angle)
            var start = 0
            while start < count {
                var twiddleReal = 1.0
                var twiddleImaginary = 0.0
                for offset in 0..<length / 2 {
                    let even = start + offset
                    let odd = even + length / 2
                    let productReal = real[odd] * twiddleReal - imaginary[odd] * twiddleImaginary
                    let productImaginary = real[odd] * twiddleImaginary + imaginary[odd] * twiddleReal
                    real[odd] = real[even] - productReal
                    imaginary[odd] = imaginary[even] - productImaginary
                    real[even] += productReal
                    imaginary[even] += productImaginary
                    let nextReal = twiddleReal * stepReal - twiddleImaginary * stepImaginary
                    twiddleImaginary = twiddleReal * stepImaginary + twiddleImaginary * stepReal
                    twiddleReal = nextReal
                }
                start += length
            }
            length <<= 1
        }
    }
}
