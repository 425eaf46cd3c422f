import Foundation
import Testing
@testable import VarianceCodecs
@testable import VarianceMedia

/// A fresh directory under the system's temporary directory, removed at the end.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("variance-media-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

@Suite struct MediaFileTests {
    @Test func wavWriteThenRead() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/tone.wav"
            let sink = try WAVFileSink(path: path, channels: 1)
            let tone = ToneSource(frequency: 440)
            var written: [Int16] = []
            for _ in 0..<50 {
                let frame = tone.read(frameCount: 960)!
                written += frame.samples
                try sink.write(frame)
            }
            try sink.close()
            #expect(throws: MediaFileError.self) { try sink.write(tone.read(frameCount: 10)!) }

            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count == 44 + 48_000 * 2)
            let (format, range) = try WAVFormat.parse(bytes)
            #expect(format == WAVFormat(channels: 1, sampleRate: 48_000))
            #expect(range == 44..<bytes.count)

            let source = try WAVFileSource(path: path)
            #expect(source.totalFrameCount == 48_000)
            var read: [Int16] = []
            while let frame = source.read(frameCount: 1000) { read += frame.samples }
            #expect(read == written)

            // Mono to stereo on request.
            let stereo = try WAVFileSource(path: path, channels: 2)
            let frame = try #require(stereo.read(frameCount: 4))
            #expect(frame.channels == 2 && frame.samples.count == 8)
            #expect(frame.samples[0] == frame.samples[1] && frame.samples[2] == frame.samples[3])
        }
    }

    @Test func stereoWAVIsMixedDownOnRequest() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/stereo.wav"
            let sink = try WAVFileSink(path: path, channels: 2)
            try sink.write(AudioFrame(samples: [100, 300, -100, -300], channels: 2))
            try sink.close()
            let mono = try WAVFileSource(path: path, channels: 1)
            #expect(mono.read(frameCount: 10)?.samples == [200, -200])
            #expect(mono.read(frameCount: 10) == nil)
        }
    }

    @Test func wavOtherThan48kHzIsRefusedClearly() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/cd.wav"
            let bytes = WAVFormat(channels: 2, sampleRate: 44_100).header(dataSize: 4) + [0, 0, 0, 0]
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try WAVFileSource(path: path)
                Issue.record("a 44.1 kHz file was accepted")
            } catch let error as MediaFileError {
                #expect(error.message.contains("44100 Hz"))
                #expect(error.message.contains("48000"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
            #expect(throws: MediaFileError.self) { try WAVFileSource(path: directory + "/missing.wav") }
            try Data("not a wav".utf8).write(to: URL(fileURLWithPath: directory + "/bad.wav"))
            #expect(throws: MediaFileError.self) { try WAVFileSource(path: directory + "/bad.wav") }
        }
    }

    @Test func y4mWriteThenRead() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/pattern.y4m"
            let pattern = PatternSource(width: 64, height: 48, frameLimit: 5)
            let sink = try Y4MFileSink(path: path, width: 64, height: 48)
            var written: [I420Frame] = []
            while let frame = pattern.nextFrame() {
                written.append(frame)
                try sink.write(frame)
            }
            #expect(throws: MediaFileError.self) { try sink.write(I420Frame(width: 32, height: 32)) }
            try sink.close()

            let source = try Y4MFileSource(path: path)
            #expect(source.width == 64 && source.height == 48 && source.framesPerSecond == 30)
            var read: [I420Frame] = []
            while let frame = try source.nextFrame() { read.append(frame) }
            #expect(read == written)
            #expect(written[0] != written[1])
        }
    }

    @Test func y4mHeadersAreParsedAndRefusedClearly() throws {
        let header = try Y4MHeader(parsing: Array("YUV4MPEG2 W320 H240 F30000:1001 It A0:0 C420mpeg2 XYSCSS=420MPEG2".utf8))
        #expect(header.width == 320 && header.height == 240 && header.framesPerSecond == 30)
        #expect(throws: MediaParseError.self) { try Y4MHeader(parsing: Array("YUV4MPEG2 W320 H240 C444".utf8)) }
        #expect(throws: MediaParseError.self) { try Y4MHeader(parsing: Array("YUV4MPEG2 W0 H240".utf8)) }
        #expect(throws: MediaParseError.self) { try Y4MHeader(parsing: Array("P6 320 240".utf8)) }
    }

    @Test func truncatedY4MFrameIsAnError() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/short.y4m"
            try Data(Array("YUV4MPEG2 W4 H4 F30:1\nFRAME\n".utf8) + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
            let source = try Y4MFileSource(path: path)
            #expect(throws: MediaFileError.self) { try source.nextFrame() }
        }
    }

    @Test func ivfWriteThenRead() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/video.ivf"
            let encoder = try VP8Encoder(configuration: .init(width: 160, height: 120, bitrate: 200_000))
            let pattern = PatternSource(width: 160, height: 120, frameLimit: 10)
            let sink = try IVFFileSink(path: path, width: 160, height: 120)
            var written: [EncodedVideoFrame] = []
            while let frame = pattern.nextFrame() {
                for compressed in try encoder.encode(frame) {
                    written.append(compressed)
                    try sink.write(compressed)
                }
            }
            try sink.close()

            let file = try IVFFile.read(path: path)
            #expect(file.fourCC == "VP80" && file.width == 160 && file.height == 120 && file.timeBaseRate == 30)
            #expect(file.frames == written)
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes[24] == UInt8(written.count))  // frame count fixed up on close

            // And the frames decode.
            let decoder = try VP8Decoder()
            let pictures = try file.frames.compactMap { try decoder.decode($0.data) }
            #expect(pictures.count == written.count)
        }
    }

    @Test func specStringsParse() throws {
        #expect(try MediaSourceSpec(parsing: "tone:440") == .tone(frequency: 440))
        #expect(try MediaSourceSpec(parsing: "tone:997.5") == .tone(frequency: 997.5))
        #expect(try MediaSourceSpec(parsing: "pattern") == .pattern)
        #expect(try MediaSourceSpec(parsing: "file:/tmp/a.wav") == .wavFile(path: "/tmp/a.wav"))
        #expect(try MediaSourceSpec(parsing: "file:clip.Y4M") == .y4mFile(path: "clip.Y4M"))
        #expect(try MediaSinkSpec(parsing: "null") == .null)
        #expect(try MediaSinkSpec(parsing: "file:out.ivf") == .ivfFile(path: "out.ivf"))
        #expect(try MediaSinkSpec(parsing: "file:out.wav").kind == .audio)
        #expect(try MediaSourceSpec(parsing: "tone:440").description == "tone:440")

        for bad in ["", "tone:", "tone:abc", "tone:-5", "tone:30000", "file:", "file:noext", "file:x.mp3", "mic", "Pattern"] {
            #expect(throws: MediaSpecError.self, "\(bad)") { try MediaSourceSpec(parsing: bad) }
        }
        for bad in ["", "file:x.mp4", "speaker", "file:.wav"] {
            #expect(throws: MediaSpecError.self, "\(bad)") { try MediaSinkSpec(parsing: bad) }
        }
        do {
            _ = try MediaSourceSpec(parsing: "file:x.mp3")
        } catch {
            #expect(error.description.contains(".wav"))
        }
        // Kinds are checked when opening.
        #expect(throws: MediaSpecError.self) { try MediaSourceSpec.pattern.makeAudioSource() }
        #expect(throws: MediaSpecError.self) { try MediaSinkSpec.ivfFile(path: "x.ivf").makeVideoSink(width: 2, height: 2) }
        let tone = try MediaSourceSpec(parsing: "tone:1000").makeAudioSource(channels: 2)
        #expect(try tone.read(frameCount: 960)?.samples.count == 1920)
        let null = try MediaSinkSpec.null.makeAudioSink()
        try null.write(AudioFrame(samples: [1], channels: 1))
    }
}
