#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a message was framed; the reply uses the same framing.
public enum Framing: Sendable, Equatable {
    /// One JSON value per line, `\n`-terminated (NDJSON).
    case lineDelimited
    /// `Content-Length: N\r\n\r\n` then N bytes (LSP base protocol).
    case contentLength
}

/// Splits the bytes of standard input into messages, detecting the framing per message.
///
/// A pure value: feed it bytes with ``append(_:)``, take messages with ``next(_:)``, and
/// call ``finish(_:)`` at end of input. It never reads past a message boundary into
/// anything it has not been given, and it bounds what it buffers by `maxMessageBytes`.
///
/// ```
///   start ──(letter)──▶ headers ──(blank line)──▶ body(N) ──▶ start
///     │                    └─(line without ':')──▶ treated as one NDJSON line
///     └──(other)──▶ line ──(\n)──▶ start
///                    └─(over the limit)──▶ discarding ──(\n)──▶ start
/// ```
public struct FrameDecoder: Sendable {
    /// What ``next(_:)`` finds.
    public enum Event: Equatable, Sendable {
        /// A complete message body (handed to the closure as bytes).
        case message(Framing)
        /// A message over the size limit; its bytes are being skipped.
        case oversized(Framing)
        /// LSP headers that cannot be understood (no or a bad Content-Length).
        case badHeader(String)
    }

    public let maxMessageBytes: Int
    /// The most header bytes accepted before a Content-Length body.
    public static let maxHeaderBytes = 8192

    private var buffer: [UInt8] = []
    private var start = 0
    /// How far past `start` the current line has been searched for `\n` already.
    private var scanned = 0
    private var state = State.start

    private enum State: Equatable, Sendable {
        case start
        /// Inside an NDJSON line.
        case line
        /// Discarding the rest of an oversized NDJSON line.
        case discardingLine
        /// Discarding `remaining` bytes of an oversized Content-Length body.
        case discardingBody(remaining: Int)
    }

    public init(maxMessageBytes: Int = 16 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Bytes buffered and not yet consumed.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    private mutating func compactIfNeeded() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536, start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    /// Finds the next event. For `.message`, `body` is called with the message bytes
    /// (valid only during the call). Returns nil when more input is needed.
    public mutating func next(_ body: (UnsafeBufferPointer<UInt8>, Framing) -> Void) -> Event? {
        while true {
            switch state {
            case .start:
                // Skip blank lines and whitespace between messages.
                while start < buffer.count, isSpace(buffer[start]) { start += 1 }
                guard start < buffer.count else { return nil }
                let first = buffer[start]
                if isLetter(first) {
                    switch parseHeaders() {
                    case .needMore: return nil
                    case .notHeaders: state = .line; scanned = 0
                    case .bad(let reason): return .badHeader(reason)
                    case .body(let headerLength, let length):
                        if length > maxMessageBytes {
                            start += headerLength
                            state = .discardingBody(remaining: length)
                            return .oversized(.contentLength)
                        }
                        guard buffer.count - start >= headerLength + length else { return nil }
                        let bodyStart = start + headerLength
                        buffer.withUnsafeBufferPointer { all in
                            body(UnsafeBufferPointer(rebasing: all[bodyStart..<bodyStart + length]), .contentLength)
                        }
                        start = bodyStart + length
                        return .message(.contentLength)
                    }
                } else {
                    state = .line
                    scanned = 0
                }
            case .line:
                guard let end = findNewline(from: start + scanned) else {
                    scanned = buffer.count - start
                    if scanned > maxMessageBytes {
                        start = buffer.count
                        state = .discardingLine
                        return .oversized(.lineDelimited)
                    }
                    return nil
                }
                var last = end
                if last > start, buffer[last - 1] == UInt8(ascii: "\r") { last -= 1 }
                if end - start > maxMessageBytes {
                    start = end + 1
                    state = .start
                    return .oversized(.lineDelimited)
                }
                let lineStart = start
                buffer.withUnsafeBufferPointer { all in
                    body(UnsafeBufferPointer(rebasing: all[lineStart..<last]), .lineDelimited)
                }
                start = end + 1
                state = .start
                return .message(.lineDelimited)
            case .discardingLine:
                guard let end = findNewline(from: start) else {
                    start = buffer.count
                    return nil
                }
                start = end + 1
                state = .start
            case .discardingBody(let remaining):
                let available = buffer.count - start
                if available < remaining {
                    start = buffer.count
                    state = .discardingBody(remaining: remaining - available)
                    return nil
                }
                start += remaining
                state = .start
            }
        }
    }

    /// At end of input: a final line without its newline is still a message.
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, Framing) -> Void) -> Event? {
        guard state == .line || state == .start else { return nil }
        while start < buffer.count, isSpace(buffer[start]) { start += 1 }
        guard start < buffer.count else { return nil }
        if state == .start, isLetter(buffer[start]) {
            // An incomplete Content-Length message is dropped, not read as a line.
            guard case .notHeaders = parseHeaders() else {
                start = buffer.count
                return nil
            }
        }
        let lineStart = start
        buffer.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[lineStart...]), .lineDelimited)
        }
        start = buffer.count
        state = .start
        return .message(.lineDelimited)
    }

    private enum HeaderResult {
        case needMore
        case notHeaders
        case bad(String)
        case body(headerLength: Int, length: Int)
    }

    /// Parses `Name: value\r\n` lines up to a blank line. Returns `.notHeaders` when the
    /// first line is not a header, so that plain text is answered as invalid JSON.
    private mutating func parseHeaders() -> HeaderResult {
        var lineStart = start
        var contentLength: Int?
        while true {
            guard let end = findNewline(from: lineStart) else {
                if buffer.count - start > Self.maxHeaderBytes {
                    return lineStart == start ? .notHeaders : .bad("the headers are longer than \(Self.maxHeaderBytes) bytes")
                }
                return .needMore
            }
            var lineEnd = end
            if lineEnd > lineStart, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd == lineStart {
                // Blank line: end of headers.
                guard let contentLength else {
                    start = end + 1
                    return .bad("the headers have no Content-Length")
                }
                return .body(headerLength: end + 1 - start, length: contentLength)
            }
            guard let colon = buffer[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) else {
                if lineStart == start { return .notHeaders }
                start = end + 1
                return .bad("a header line has no ':'")
            }
            let name = asciiLowercased(buffer[lineStart..<colon])
            let isLength = name == Array("content-length".utf8)
            if lineStart == start, !isLength, name != Array("content-type".utf8) {
                // Only the LSP headers start a header block; anything else is a bad line.
                return .notHeaders
            }
            if !name.allSatisfy({ isLetter($0) || $0 == UInt8(ascii: "-") }) {
                start = lineStart
                return .bad("a header line is malformed")
            }
            if isLength {
                let value = buffer[(colon + 1)..<lineEnd].drop(while: isSpace).reversed().drop(while: isSpace).reversed()
                guard !value.isEmpty, value.count <= 12,
                    value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let length = Int(String(decoding: value, as: UTF8.self))
                else {
                    start = end + 1
                    return .bad("the Content-Length header is not a number")
                }
                contentLength = length
            }
            lineStart = end + 1
        }
    }

    private func findNewline(from index: Int) -> Int? {
        guard index < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { all -> Int? in
            guard let base = all.baseAddress,
                let hit = memchr(base + index, 0x0A, all.count - index)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }
}

@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}

@inline(__always) private func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

private func asciiLowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    bytes.map { isLetter($0) ? $0 | 0x20 : $0 }
}
