#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import VarianceRPC

/// The engine's pipes, driven from one thread with `poll(2)`: frames out are queued and
/// written as the pipe accepts them, lines in are parsed and handed out one at a time, and
/// the user's input (a terminal or a pipe) is watched in the same `poll`.
///
/// One thread keeps libedit, the engine and the screen in step without locks: a frame that
/// arrives while the user types is printed between two keystrokes.
final class EngineLink {
    /// What woke the loop.
    enum Event {
        /// A JSON value the engine wrote (a reply, a batch of replies, a notification).
        case frame(JSON)
        /// A line on the engine's standard output that is not JSON (a bug in the engine).
        case noise(String)
        /// The watched input has something to read (or reached its end).
        case inputReadable
        /// The engine closed its standard output: it is exiting.
        case engineClosed
        /// Ctrl-C (interactive mode).
        case interrupted
        /// The deadline passed.
        case timedOut
    }

    /// The engine.
    let process: EngineProcess
    /// Longest line accepted from the engine (64 MiB); longer ones are dropped with a warning.
    static let maxLineLength = 64 << 20
    /// While more than this many bytes wait to go to the engine, the input is not read.
    static let maxBacklog = 1 << 20

    private var outgoing: [UInt8] = []
    private var outgoingOffset = 0
    private var closeInputWhenFlushed = false
    private var received = LineBuffer(limit: EngineLink.maxLineLength)
    private var reportedDrops = 0
    private var outputOpen = true

    init(process: EngineProcess) { self.process = process }

    /// Queues `frame` (one line) for the engine. Dropped if its input is already closed.
    func send(_ frame: JSON) {
        guard process.inputFD >= 0, !closeInputWhenFlushed else { return }
        frame.write(to: &outgoing)
        outgoing.append(UInt8(ascii: "\n"))
        flush()
    }

    /// Closes the engine's standard input once everything queued is written.
    func finishInput() {
        closeInputWhenFlushed = true
        flush()
    }

    /// Waits for the next event. `input` is an fd to watch as well (not while more than
    /// ``maxBacklog`` bytes wait for the engine: that is the back-pressure on the input);
    /// `deadline` bounds the wait.
    func next(watching input: Int32? = nil, until deadline: ContinuousClock.Instant? = nil) -> Event {
        while true {
            if let event = nextBufferedFrame() { return event }
            if !outputOpen { return .engineClosed }
            if InterruptSignal.take() { return .interrupted }

            var fds = [pollfd(fd: process.outputFD, events: Int16(POLLIN), revents: 0)]
            let writing = process.inputFD >= 0 && outgoingOffset < outgoing.count
            if writing { fds.append(pollfd(fd: process.inputFD, events: Int16(POLLOUT), revents: 0)) }
            let watchesInput = input != nil && outgoing.count - outgoingOffset <= Self.maxBacklog
            if let input, watchesInput { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }

            let ready = poll(&fds, nfds_t(fds.count), Self.milliseconds(until: deadline))
            if ready < 0 {
                if errno == EINTR { continue }
                return .engineClosed
            }
            if ready == 0 { return .timedOut }
            if writing && fds[1].revents != 0 { flush() }
            if fds[0].revents != 0 { readFromEngine() }
            if watchesInput, let last = fds.last, last.revents != 0 {
                if let event = nextBufferedFrame() {
                    // The input stays readable; it is reported on a later call.
                    return event
                }
                return .inputReadable
            }
        }
    }

    private func nextBufferedFrame() -> Event? {
        while let line = received.nextLine() ?? (outputOpen ? nil : received.remainder()) {
            if line.isEmpty { continue }
            if let value = try? JSONParser.parse(line) { return .frame(value) }
            return .noise(String(decoding: line, as: UTF8.self))
        }
        if received.droppedLines > reportedDrops {
            reportedDrops = received.droppedLines
            return .noise("(a line longer than \(Self.maxLineLength) bytes was dropped)")
        }
        return nil
    }

    private func readFromEngine() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(process.outputFD, $0.baseAddress, $0.count) }
        if count > 0 {
            chunk.withUnsafeBytes { received.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            outputOpen = false
        }
    }

    /// Writes as much as the pipe takes; closes the engine's input when asked and done.
    private func flush() {
        while process.inputFD >= 0 && outgoingOffset < outgoing.count {
            let written = outgoing.withUnsafeBytes {
                write(process.inputFD, $0.baseAddress! + outgoingOffset, $0.count - outgoingOffset)
            }
            if written > 0 {
                outgoingOffset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return
            } else {
                // The engine closed its input (it is exiting): nothing more can be sent.
                process.closeInput()
            }
        }
        outgoing.removeAll(keepingCapacity: true)
        outgoingOffset = 0
        if closeInputWhenFlushed { process.closeInput() }
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = deadline - ContinuousClock.now
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
