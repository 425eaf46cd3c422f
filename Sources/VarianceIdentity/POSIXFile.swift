#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system calls the identity file needs, over POSIX, with errors mapped to
/// ``IdentityError/io(_:)``.
enum POSIXFile {
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Reads a whole file of at most `maxLength` bytes.
    static func readAll(_ path: String, maxLength: Int) throws(IdentityError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { Sodium.zero(&chunk) }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read \(path)")
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            guard bytes.count <= maxLength else {
                Sodium.zero(&bytes)
                throw .corrupt("the file is larger than \(maxLength) bytes")
            }
        }
    }

    /// Writes `bytes` to `directory/fileName` atomically with mode 0600, creating the
    /// directory (mode 0700) if it is missing.
    static func writeAtomically(_ bytes: [UInt8], directory: String, fileName: String) throws(IdentityError) {
        try makeDirectory(directory)
        let suffix = Sodium.randomBytes(6).map { String($0, radix: 16) }.joined()
        let temporary = directory + "/." + fileName + ".tmp-" + suffix
        let destination = directory + "/" + fileName
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do throws(IdentityError) {
            guard fchmod(fd, 0o600) == 0 else { throw failure("cannot set the mode of \(temporary)") }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw failure("cannot sync \(temporary)") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure("cannot close \(temporary)") }
        guard rename(temporary, destination) == 0 else { throw failure("cannot rename onto \(destination)") }
        renamed = true
        syncDirectory(directory)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(IdentityError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(path)")
            }
            offset += written
        }
    }

    /// Creates `path` and missing parents with mode 0700.
    private static func makeDirectory(_ path: String) throws(IdentityError) {
        if path.isEmpty || exists(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw failure("cannot create directory \(path)") }
    }

    /// Makes the rename durable; failure only weakens durability, so it is not reported.
    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func failure(_ what: String) -> IdentityError {
        let code = errno
        return .io("\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}
