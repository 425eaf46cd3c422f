#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owner-only files for the database, and temporary directories for test stores.
enum FilePermissions {
    /// Read and write for the owner only.
    static let privateMode: mode_t = 0o600

    /// Creates `path` with mode 0600 if it is missing; sets 0600 if it exists.
    static func createPrivate(_ path: String) throws(StorageError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, privateMode)
        guard fd >= 0 else { throw .io("cannot create the database file (errno \(errno))") }
        defer { _ = closeDescriptor(fd) }
        guard fchmod(fd, privateMode) == 0 else { throw .io("cannot set the database file's mode (errno \(errno))") }
    }

    /// Sets mode 0600 on `path` if it exists.
    static func restrict(_ path: String) throws(StorageError) {
        guard chmod(path, privateMode) == 0 || errno == ENOENT else {
            throw .io("cannot set a database file's mode (errno \(errno))")
        }
    }

    /// Creates a fresh directory under `$TMPDIR` (or `/tmp`) with mode 0700.
    static func makeTemporaryDirectory() throws(StorageError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/variance-store-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw .io("cannot create a temporary directory (errno \(errno))") }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a directory made by `makeTemporaryDirectory` and the database files in it.
    static func removeDirectory(_ directory: String) {
        for name in ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm", "store.sqlite-journal"] {
            _ = unlink(directory + "/" + name)
        }
        _ = rmdir(directory)
    }
}

/// `close(2)`, named apart from the methods called `close` in this module.
@inline(__always)
private func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    Darwin.close(fd)
    #elseif canImport(Musl)
    Musl.close(fd)
    #else
    Glibc.close(fd)
    #endif
}
