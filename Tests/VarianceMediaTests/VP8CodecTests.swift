import Testing
@testable import VarianceCodecs
@testable import VarianceMedia

@Suite struct VP8CodecTests {
    @Test func patternFramesSurviveEncodeAndDecode() throws {
        let encoder = try VP8Encoder()
        let decoder = try VP8Decoder()
        let source = PatternSource(frameLimit: 150)
        var encoded = 0
        var decoded = 0
        var keyframes = 0
        var closeEnough = 0
        while let frame = source.nextFrame() {
            for compressed in try encoder.encode(frame) {
                encoded += 1
                if compressed.isKeyframe { keyframes += 1 }
                #expect(EncodedVideoFrame.isVP8Keyframe(compressed.data) == compressed.isKeyframe)
                if let picture = try decoder.decode(compressed.data) {
                    decoded += 1
                    #expect(picture.width == 640 && picture.height == 480)
                    if let difference = picture.meanAbsoluteLumaDifference(to: frame), difference < 12 { closeEnough += 1 }
                }
            }
        }
        #expect(keyframes >= 1)
        #expect(decoded * 100 >= 150 * 90, "decoded \(decoded) of 150 (encoded \(encoded))")
        #expect(closeEnough * 100 >= decoded * 90, "\(closeEnough) of \(decoded) frames look like their source")
    }

    @Test func keyframeOnRequestAndBitrateAtRuntime() throws {
        let encoder = try VP8Encoder(configuration: .init(width: 320, height: 240, bitrate: 300_000))
        let source = PatternSource(width: 320, height: 240)
        var flags: [Bool] = []
        for index in 0..<20 {
            if index == 10 { encoder.requestKeyframe() }
            if index == 12 { try encoder.setBitrate(150_000) }
            for frame in try encoder.encode(source.nextFrame()!) { flags.append(frame.isKeyframe) }
        }
        #expect(flags.count == 20)
        #expect(flags[0])
        #expect(flags[10])
        #expect(flags.filter { $0 }.count == 2)
        #expect(encoder.configuration.bitrate == 150_000)
    }

    @Test func wrongInputIsRefused() throws {
        #expect(throws: CodecError.self) { try VP8Encoder(configuration: .init(width: 641, height: 480)) }
        let encoder = try VP8Encoder(configuration: .init(width: 64, height: 48))
        #expect(throws: CodecError.self) { try encoder.encode(I420Frame(width: 32, height: 32)) }
        let decoder = try VP8Decoder()
        #expect(throws: CodecError.self) { try decoder.decode([]) }
        var generator = SplitMix64(seed: 4)
        for _ in 0..<200 {
            let garbage = (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? decoder.decode(garbage)
        }
    }
}
