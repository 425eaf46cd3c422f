#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import VarianceRPC

/// The only writer of RPC frames. Frames are appended to a buffer and written with one
/// `write(2)` per flush, so a burst of replies costs one system call, not one each.
///
/// Thread-safe: the reader thread and handler tasks all enqueue here. Frames never
/// interleave, and they leave in the order they were enqueued.
public final class OutputWriter: Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var closed = false
    }

    private let fd: Int32
    private let pending = Mutex(Pending())
    /// Held while writing, so that buffers taken in order are written in order.
    private let writeLock = Mutex(())
    /// Past this many buffered bytes, enqueue flushes by itself.
    private let flushThreshold = 1 << 16

    /// Writes to `fd`, which should be the private duplicate of the original stdout.
    public init(fd: Int32) {
        self.fd = fd
    }

    /// Appends one frame in the given framing. Flushes when the buffer is large.
    public func enqueue(_ message: JSON, framing: Framing) {
        var body: [UInt8] = []
        body.reserveCapacity(128)
        message.write(to: &body)
        let large = pending.withLock { state -> Bool in
            guard !state.closed else { return false }
            switch framing {
            case .lineDelimited:
                state.bytes.append(contentsOf: body)
                state.bytes.append(0x0A)
            case .contentLength:
                state.bytes.append(contentsOf: "Content-Length: \(body.count)\r\n\r\n".utf8)
                state.bytes.append(contentsOf: body)
            }
            return state.bytes.count >= flushThreshold
        }
        if large { flush() }
    }

    /// Appends a frame and writes everything buffered now.
    public func send(_ message: JSON, framing: Framing) {
        enqueue(message, framing: framing)
        flush()
    }

    /// Writes everything buffered. A reader that went away (EPIPE) closes the writer:
    /// later frames are dropped, since nobody can read them.
    public func flush() {
        writeLock.withLock { _ in
            let bytes = pending.withLock { state -> [UInt8] in
                let taken = state.bytes
                state.bytes = []
                state.bytes.reserveCapacity(min(taken.count, 1 << 16))
                return taken
            }
            guard !bytes.isEmpty else { return }
            if !writeAll(bytes) {
                pending.withLock { $0.closed = true; $0.bytes = [] }
            }
        }
    }

    /// Whether the reading side has gone away.
    public var isClosed: Bool { pending.withLock { $0.closed } }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
