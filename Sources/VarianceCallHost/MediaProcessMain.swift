#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import VarianceMediaIPC
import VarianceProtos

/// `variance-media`'s life: commands framed on stdin, reports framed on stdout (a private
/// duplicate of fd 1; fd 1 itself points at stderr so that a stray print cannot corrupt the
/// pipe), logs on stderr. It exits after `close`, at the end of stdin (the engine died or let
/// go of the call: no orphans), or at the first frame it cannot read.
public enum MediaProcessMain {
    public static func run() async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let output = dup(1)
        guard output >= 0 else { return 70 }
        dup2(2, 1)
        let writer = FrameWriter(fd: output)
        let session = MediaSession { report in writer.write(report) }
        let commands = AsyncStream<Result<Variance_MediaCommand, MediaIPCError>?>(bufferingPolicy: .unbounded) { sink in
            DispatchQueue(label: "variance-media.stdin").async {
                readCommands(sink)
            }
        }
        var status: Int32 = 0
        loop: for await item in commands {
            switch item {
            case .success(let command)?:
                if await !session.handle(command) { break loop }
            case .failure(let error)?:
                log("variance-media: \(error); exiting")
                status = 65
                break loop
            case nil:
                break loop  // end of stdin
            }
        }
        await session.shutDown()
        return status
    }

    /// Blocking reads of fd 0 (on its own thread) into commands; nil at the end of input.
    /// The engine writes a handful of small commands per call, so the stream stays short.
    static func readCommands(_ sink: AsyncStream<Result<Variance_MediaCommand, MediaIPCError>?>.Continuation) {
        var decoder = MediaFrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            decoder.append(buffer[0..<count])
            do {
                while let payload = try decoder.next() { sink.yield(.success(try MediaFrame.command(from: payload))) }
            } catch {
                sink.yield(.failure(error))
                sink.finish()
                return
            }
        }
        sink.yield(nil)
        sink.finish()
    }

    static func log(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Writes frames to the engine, one whole frame at a time from any task.
final class FrameWriter: Sendable {
    private let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    func write(_ report: Variance_MediaReport) {
        guard let frame = try? MediaFrame.encode(report) else { return }
        lock.withLock { _ in
            var offset = 0
            while offset < frame.count {
                let written = frame.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }  // the engine is gone; stdin's end follows
                offset += written
            }
        }
    }
}
