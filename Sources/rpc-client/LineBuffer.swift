/// Collects bytes from a stream and hands them out line by line (`\n`-terminated, a
/// trailing `\r` removed).
///
/// Bounded: a line longer than `limit` bytes is dropped whole, and counted in
/// ``droppedLines``, rather than buffered without end.
struct LineBuffer {
    /// The longest line kept, in bytes.
    let limit: Int
    /// How many over-long lines were dropped so far.
    private(set) var droppedLines = 0

    private var bytes: [UInt8] = []
    /// Where the unread part of `bytes` starts.
    private var start = 0
    /// Where to resume looking for `\n`.
    private var scanned = 0
    /// Inside an over-long line: skip up to its end.
    private var discarding = false

    init(limit: Int) { self.limit = limit }

    /// Adds bytes read from the stream.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if start > 0 && start >= bytes.count / 2 {
            bytes.removeFirst(start)
            scanned -= start
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    /// The next complete line, if there is one.
    mutating func nextLine() -> [UInt8]? {
        while true {
            guard let newline = bytes[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = bytes.count
                if scanned - start > limit {
                    if !discarding { droppedLines += 1 }
                    discarding = true
                    start = scanned
                }
                return nil
            }
            let line = bytes[start..<newline]
            start = newline + 1
            scanned = start
            if discarding || line.count > limit {
                if !discarding { droppedLines += 1 }
                discarding = false
                continue
            }
            return Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        }
    }

    /// At the end of the stream: what is left after the last `\n`, if anything.
    mutating func remainder() -> [UInt8]? {
        defer {
            bytes = []
            start = 0
            scanned = 0
        }
        guard !discarding, start < bytes.count else { return nil }
        return Array(bytes[start...])
    }
}
