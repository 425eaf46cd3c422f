/// One direction of a ``MessagePipe``: a queue of byte chunks bounded in bytes (a chunk
/// is let in while fewer than `capacity` bytes wait, so one chunk may overshoot).
actor ByteChannel {
    private let capacity: Int
    private var queued = 0
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var closed = false
    private var waitingReader: CheckedContinuation<Void, Never>?
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Queues `chunk`, waiting while the queue is full; throws once the channel is closed.
    func send(_ chunk: [UInt8]) async throws(OfflineError) {
        while !closed && queued >= capacity {
            await withCheckedContinuation { waitingWriters.append($0) }
        }
        guard !closed else { throw .streamEnded }
        chunks.append(chunk)
        queued += chunk.count
        waitingReader?.resume()
        waitingReader = nil
    }

    /// The next chunk, waiting for one; nil once the channel is closed and empty.
    func receive() async -> [UInt8]? {
        while head == chunks.count && !closed {
            await withCheckedContinuation { waitingReader = $0 }
        }
        guard head < chunks.count else { return nil }
        let chunk = chunks[head]
        head += 1
        queued -= chunk.count
        if head >= 256 && head * 2 >= chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
        if queued < capacity {
            for writer in waitingWriters { writer.resume() }  // each re-checks the bound
            waitingWriters = []
        }
        return chunk
    }

    /// Ends the channel: waiting readers and writers wake; queued chunks can still be read.
    func close() {
        closed = true
        waitingReader?.resume()
        waitingReader = nil
        for writer in waitingWriters { writer.resume() }
        waitingWriters = []
    }
}
