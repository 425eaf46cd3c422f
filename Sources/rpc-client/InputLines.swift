#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines from a file descriptor that is not a terminal (a pipe or a file), read as they
/// become available so the event loop never blocks on input.
struct InputLines {
    /// The longest input line accepted: the engine's own limit (16 MiB).
    static let maxLineLength = 16 << 20

    private let fd: Int32
    private var buffer = LineBuffer(limit: InputLines.maxLineLength)
    private var reportedDrops = 0

    init(fd: Int32) { self.fd = fd }

    /// Reads once (the fd is known to be readable): the complete lines, and whether the
    /// input has ended (its last, unterminated line is then included).
    mutating func readAvailable() -> (lines: [String], ended: Bool) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var count = 0
        repeat {
            count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        } while count < 0 && errno == EINTR
        if count > 0 {
            chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        var lines: [String] = []
        while let line = buffer.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        let ended = count <= 0
        if ended, let last = buffer.remainder() { lines.append(String(decoding: last, as: UTF8.self)) }
        if buffer.droppedLines > reportedDrops {
            reportedDrops = buffer.droppedLines
            Console.err("rpc-client: an input line longer than \(Self.maxLineLength) bytes was skipped.")
        }
        return (lines, ended)
    }
}
