#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened with C stdio: the thin I/O shell under the WAV, Y4M and IVF readers and
/// writers. Closed on `close()` or when released.
final class BinaryFile {
    let path: String
    private var handle: UnsafeMutablePointer<FILE>?

    private init(path: String, handle: UnsafeMutablePointer<FILE>) {
        self.path = path
        self.handle = handle
    }

    deinit {
        if let handle { fclose(handle) }
    }

    static func openForReading(_ path: String) throws(MediaFileError) -> BinaryFile {
        guard let handle = fopen(path, "rb") else { throw .cannotOpen(path, errno: errno) }
        return BinaryFile(path: path, handle: handle)
    }

    static func create(_ path: String) throws(MediaFileError) -> BinaryFile {
        guard let handle = fopen(path, "wb") else { throw .cannotOpen(path, errno: errno) }
        return BinaryFile(path: path, handle: handle)
    }

    /// The whole file, refused when larger than `limit` bytes.
    static func readAll(_ path: String, limit: Int) throws(MediaFileError) -> [UInt8] {
        let file = try openForReading(path)
        defer { try? file.close() }
        var bytes: [UInt8] = []
        while true {
            let chunk = try file.read(upTo: 1 << 16)
            if chunk.isEmpty { break }
            bytes += chunk
            guard bytes.count <= limit else { throw .unsupported(path, "larger than \(limit) bytes") }
        }
        return bytes
    }

    /// Up to `count` bytes; fewer only at the end of the file.
    func read(upTo count: Int) throws(MediaFileError) -> [UInt8] {
        guard let handle else { throw .closed(path) }
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, handle) }
        if got < count, ferror(handle) != 0 { throw .readFailed(path, errno: errno) }
        buffer.removeLast(count - got)
        return buffer
    }

    /// Bytes up to and excluding the next newline; nil at the end of the file. Refuses
    /// lines longer than `maximumLength`.
    func readLine(maximumLength: Int) throws(MediaFileError) -> [UInt8]? {
        guard let handle else { throw .closed(path) }
        var line: [UInt8] = []
        while true {
            let character = getc(handle)
            if character == EOF {
                if ferror(handle) != 0 { throw .readFailed(path, errno: errno) }
                return line.isEmpty ? nil : line
            }
            if character == 0x0A { return line }
            line.append(UInt8(truncatingIfNeeded: character))
            guard line.count <= maximumLength else { throw .unsupported(path, "a header line is longer than \(maximumLength) bytes") }
        }
    }

    func write(_ bytes: [UInt8]) throws(MediaFileError) {
        guard let handle else { throw .closed(path) }
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else { throw .writeFailed(path, errno: errno) }
    }

    /// Overwrites bytes at `offset`, then returns to the end of the file.
    func overwrite(at offset: Int, with bytes: [UInt8]) throws(MediaFileError) {
        guard let handle else { throw .closed(path) }
        guard fseek(handle, offset, SEEK_SET) == 0 else { throw .writeFailed(path, errno: errno) }
        try write(bytes)
        guard fseek(handle, 0, SEEK_END) == 0 else { throw .writeFailed(path, errno: errno) }
    }

    func close() throws(MediaFileError) {
        guard let handle else { return }
        self.handle = nil
        guard fclose(handle) == 0 else { throw .writeFailed(path, errno: errno) }
    }
}
