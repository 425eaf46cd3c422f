#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owner-only database files.
enum PrivateFile {
    /// Read and write for the owner only.
    static let mode: mode_t = 0o600

    /// Creates `path` with mode 0600 if it is missing; sets 0600 if it exists.
    static func create(_ path: String) throws(OfflineStoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .io("cannot create the database file (errno \(errno))") }
        defer { _ = closeDescriptor(fd) }
        guard fchmod(fd, mode) == 0 else { throw .io("cannot set the database file's mode (errno \(errno))") }
    }

    /// Sets mode 0600 on `path` if it exists.
    static func restrict(_ path: String) throws(OfflineStoreError) {
        guard chmod(path, mode) == 0 || errno == ENOENT else {
            throw .io("cannot set a database file's mode (errno \(errno))")
        }
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
