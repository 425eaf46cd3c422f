import Testing
@testable import VarianceMedia

@Suite struct AudioAnalysisTests {
    @Test(arguments: [100.0, 440.0, 997.3, 3_150.0, 12_000.0])
    func dominantFrequencyIsWithinOneHertz(frequency: Double) throws {
        let tone = ToneSource(frequency: frequency, amplitude: 0.3)
        let samples = tone.read(frameCount: 48_000)!.samples
        let measured = try #require(AudioAnalysis.dominantFrequency(of: samples, sampleRate: 48_000))
        #expect(abs(measured - frequency) < 1, "measured \(measured)")
    }

    @Test func strongestOfTwoTonesWins() throws {
        let loud = ToneSource(frequency: 600, amplitude: 0.4).read(frameCount: 24_000)!.samples
        let quiet = ToneSource(frequency: 1_500, amplitude: 0.1).read(frameCount: 24_000)!.samples
        let mixed = zip(loud, quiet).map { $0 &+ $1 }
        let measured = try #require(AudioAnalysis.dominantFrequency(of: mixed, sampleRate: 48_000))
        #expect(abs(measured - 600) < 1)
    }

    @Test func silenceHasNoDominantFrequency() {
        #expect(AudioAnalysis.dominantFrequency(of: [Int16](repeating: 0, count: 4_800), sampleRate: 48_000) == nil)
        #expect(AudioAnalysis.dominantFrequency(of: [Int16](repeating: 0, count: 10), sampleRate: 48_000) == nil)
    }

    @Test func nonSilentFractionCountsLoudWindows() {
        let tone = ToneSource(frequency: 440).read(frameCount: 4_800)!.samples
        let silence = [Int16](repeating: 0, count: 4_800)
        #expect(AudioAnalysis.nonSilentFraction(of: tone + silence, sampleRate: 48_000) == 0.5)
        #expect(AudioAnalysis.nonSilentFraction(of: silence, sampleRate: 48_000) == 0)
        #expect(AudioAnalysis.nonSilentFraction(of: [], sampleRate: 48_000) == 0)
        #expect(abs(AudioAnalysis.rmsDBFS(of: tone) - (-9.03)) < 0.1)
    }

    @Test func fftMatchesTheDefinition() {
        var real: [Double] = [1, 2, 3, 4, 0, 0, 0, 0]
        var imaginary = [Double](repeating: 0, count: 8)
        let input = real
        AudioAnalysis.fft(&real, &imaginary)
        for k in 0..<8 {
            var sumReal = 0.0
            var sumImaginary = 0.0
            for n in 0..<8 {
                let angle = -2 * Double.pi * Double(k * n) / 8
                sumReal += input[n] * cos(angle)
                sumImaginary += input[n] * sin(angle)
            }
            #expect(abs(real[k] - sumReal) < 1e-9 && abs(imaginary[k] - sumImaginary) < 1e-9)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
