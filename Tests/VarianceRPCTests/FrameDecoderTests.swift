import Testing
@testable import VarianceRPC

@Suite struct FrameDecoderTests {
    /// Feeds `input` in pieces of `step` bytes and collects what comes out.
    private func decode(_ input: [UInt8], step: Int, max: Int = 1 << 20, finish: Bool = true) -> [String] {
        var decoder = FrameDecoder(maxMessageBytes: max)
        var out: [String] = []
        var offset = 0
        func drain() {
            var body = ""
            while let event = decoder.next({ bytes, framing in
                body = (framing == .contentLength ? "L:" : "N:") + String(decoding: bytes, as: UTF8.self)
            }) {
                switch event {
                case .message: out.append(body)
                case .oversized(let framing): out.append(framing == .contentLength ? "L-oversized" : "N-oversized")
                case .badHeader: out.append("bad-header")
                }
            }
        }
        while offset < input.count {
            let end = min(offset + step, input.count)
            decoder.append(Array(input[offset..<end]))
            offset = end
            drain()
        }
        if finish, let event = decoder.finish({ bytes, _ in out.append("N:" + String(decoding: bytes, as: UTF8.self)) }) {
            if case .message = event {} else { out.append("?") }
        }
        return out
    }

    private let mixed = Array("{\"a\":1}\n\nContent-Length: 7\r\n\r\n{\"b\":2}{\"c\":3}\r\n[1]".utf8)

    @Test func splitsLinesAndContentLengthFramesWhateverTheChunking() {
        let expected = ["N:{\"a\":1}", "L:{\"b\":2}", "N:{\"c\":3}", "N:[1]"]
        for step in [1, 2, 3, 7, 64, 4096] {
            #expect(decode(mixed, step: step) == expected, "step \(step)")
        }
    }

    @Test func headersAreCaseInsensitiveAndMayIncludeContentType() {
        let input = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
        #expect(decode(input, step: 1) == ["L:{}"])
    }

    @Test func plainTextIsALineNotAHeader() {
        #expect(decode(Array("hello world\n{\"x\":1}\n".utf8), step: 3) == ["N:hello world", "N:{\"x\":1}"])
        #expect(decode(Array("true\n".utf8), step: 1) == ["N:true"])
        #expect(decode(Array("Host: example\n{}\n".utf8), step: 1) == ["N:Host: example", "N:{}"])
    }

    @Test func missingOrBadContentLengthIsReportedAndSkipped() {
        #expect(decode(Array("Content-Type: x\r\n\r\n{}\n".utf8), step: 1) == ["bad-header", "N:{}"])
        #expect(decode(Array("Content-Length: abc\r\n\r\n{}\n".utf8), step: 5) == ["bad-header", "N:{}"])
    }

    @Test func oversizedLinesAreSkippedAndReadingGoesOn() {
        let long = Array(repeating: UInt8(ascii: "x"), count: 300)
        let input = long + Array("\n{\"ok\":1}\n".utf8)
        for step in [1, 50, 1000] {
            #expect(decode(input, step: step, max: 100) == ["N-oversized", "N:{\"ok\":1}"], "step \(step)")
        }
    }

    @Test func oversizedContentLengthBodiesAreSkipped() {
        let body = String(repeating: "y", count: 500)
        let input = Array("Content-Length: 500\r\n\r\n\(body)Content-Length: 2\r\n\r\n{}".utf8)
        for step in [1, 13, 4096] {
            #expect(decode(input, step: step, max: 100) == ["L-oversized", "L:{}"], "step \(step)")
        }
    }

    @Test func crlfLineEndingsAreAccepted() {
        #expect(decode(Array("{\"a\":1}\r\n{\"b\":2}\r\n".utf8), step: 4) == ["N:{\"a\":1}", "N:{\"b\":2}"])
    }

    @Test func incompleteContentLengthBodyIsNotDeliveredAtEnd() {
        #expect(decode(Array("Content-Length: 10\r\n\r\n{}".utf8), step: 4) == [])
    }

    @Test func garbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0..<400, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random() { bytes = Array("Content-Length: 12\r\n".utf8) + bytes }
            _ = decode(bytes, step: Int.random(in: 1...64), max: 64)
        }
    }
}
