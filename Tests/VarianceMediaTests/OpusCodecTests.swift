import Testing
@testable import VarianceCodecs
@testable import VarianceMedia

@Suite struct OpusCodecTests {
    /// Encodes `seconds` of the tone and returns the packets.
    static func encodeTone(_ frequency: Double, seconds: Int, channels: Int = 1) throws -> [[UInt8]] {
        let source = ToneSource(frequency: frequency, channels: channels)
        let encoder = try OpusEncoder(channels: channels, bitrate: 32_000, expectedPacketLossPercent: 20)
        return try (0..<seconds * 50).map { _ in
            try encoder.encode(source.read(frameCount: OpusEncoder.samplesPerFrame)!.samples)
        }
    }

    @Test func toneSurvivesEncodeAndDecode() throws {
        let packets = try Self.encodeTone(440, seconds: 2)
        #expect(packets.allSatisfy { !$0.isEmpty && $0.count < 400 })
        let decoder = try OpusDecoder()
        var pcm: [Int16] = []
        for packet in packets { pcm += try decoder.decode(packet) }
        #expect(pcm.count == 2 * 48_000)
        // Skip the codec's start-up.
        let steady = Array(pcm.dropFirst(4_800))
        let frequency = try #require(AudioAnalysis.dominantFrequency(of: steady, sampleRate: 48_000))
        #expect(abs(frequency - 440) < 2, "dominant frequency \(frequency)")
        #expect(AudioAnalysis.nonSilentFraction(of: steady, sampleRate: 48_000) > 0.99)
    }

    @Test func stereoToneSurvives() throws {
        let packets = try Self.encodeTone(1000, seconds: 1, channels: 2)
        let decoder = try OpusDecoder(channels: 2)
        var pcm: [Int16] = []
        for packet in packets { pcm += try decoder.decode(packet) }
        let left = stride(from: 0, to: pcm.count, by: 2).map { pcm[$0] }
        let frequency = try #require(AudioAnalysis.dominantFrequency(of: Array(left.dropFirst(4_800)), sampleRate: 48_000))
        #expect(abs(frequency - 1000) < 2, "dominant frequency \(frequency)")
    }

    @Test func lossIsConcealedAndRecoveredFromFEC() throws {
        let packets = try Self.encodeTone(440, seconds: 2)
        let decoder = try OpusDecoder()
        var pcm: [Int16] = []
        for (index, packet) in packets.enumerated() {
            switch index % 10 {
            case 3:
                // Lost, but the next packet is here: recover from its FEC data.
                let recovered = try decoder.decodeFEC(from: packets[index + 1])
                #expect(recovered.count == OpusEncoder.samplesPerFrame)
                pcm += recovered
            case 7:
                // Lost with nothing to recover from: conceal.
                let concealed = try decoder.concealLoss()
                #expect(concealed.count == OpusEncoder.samplesPerFrame)
                pcm += concealed
            default:
                pcm += try decoder.decode(packet)
            }
        }
        #expect(pcm.count == 2 * 48_000)
        let steady = Array(pcm.dropFirst(4_800))
        let frequency = try #require(AudioAnalysis.dominantFrequency(of: steady, sampleRate: 48_000))
        #expect(abs(frequency - 440) < 2, "dominant frequency \(frequency)")
        #expect(AudioAnalysis.nonSilentFraction(of: steady, sampleRate: 48_000) > 0.95)
    }

    @Test func fecRecoversTheLostFrameBetterThanConcealment() throws {
        let packets = try Self.encodeTone(440, seconds: 1)
        // With FEC on and loss expected, the encoder picks SILK or hybrid modes (TOC
        // configurations below 16), which carry the previous frame at low bitrate (LBRR).
        #expect(packets.allSatisfy { $0[0] >> 3 < 16 })
        let reference = try OpusDecoder()
        let original = try packets.map { try reference.decode($0) }
        let withFEC = try OpusDecoder()
        let withPLC = try OpusDecoder()
        for packet in packets[0..<20] {
            _ = try withFEC.decode(packet)
            _ = try withPLC.decode(packet)
        }
        // Packet 20 is lost; packet 21 is here.
        let recovered = try withFEC.decodeFEC(from: packets[21])
        let concealed = try withPLC.concealLoss()
        func meanError(_ frame: [Int16]) -> Double {
            zip(frame, original[20]).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(frame.count)
        }
        #expect(meanError(recovered) * 5 < meanError(concealed), "FEC \(meanError(recovered)), PLC \(meanError(concealed))")
    }

    @Test func wrongInputIsRefused() throws {
        let encoder = try OpusEncoder()
        #expect(throws: CodecError.self) { try encoder.encode([Int16](repeating: 0, count: 100)) }
        #expect(throws: CodecError.self) { try OpusEncoder(channels: 3) }
        let decoder = try OpusDecoder()
        #expect(throws: CodecError.self) { try decoder.decode([]) }
        // Garbage either decodes to something or throws; it never traps.
        var generator = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let garbage = (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? decoder.decode(garbage)
        }
    }

    @Test func bitrateAndLossSettingsAreTaken() throws {
        let encoder = try OpusEncoder()
        try encoder.setBitrate(12_000)
        try encoder.setExpectedPacketLoss(percent: 40)
        let low = try encoder.encode(ToneSource(frequency: 300).read(frameCount: 960)!.samples)
        #expect(!low.isEmpty)
    }
}
