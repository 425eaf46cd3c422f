/// Reassembles video frames from RTP packets that may arrive reordered, duplicated or not at
/// all, and hands them out in decoding order.
///
/// Packets are grouped by RTP timestamp. A frame is complete when its first packet (flagged
/// by the payload format), its last packet (the marker bit) and every sequence number between
/// them are present. A complete frame is released when it directly follows the previously
/// released one; otherwise it waits up to `maximumWait` for the frames before it, then is
/// released with `followsGap` set, and the incomplete frames before it are dropped. The
/// stream's first frame always waits `maximumWait`, since nothing says yet whether earlier
/// packets are still on their way.
///
/// Bounds: at most `maximumPendingFrames` frames and `maximumPacketsPerFrame` packets per
/// frame are held; past them the oldest frame is dropped (and counted).
public struct VideoFrameAssembler: Sendable {
    /// Bounds and waiting time.
    public struct Configuration: Sendable, Equatable {
        /// Frames held at most, complete or not.
        public var maximumPendingFrames: Int
        /// Packets one frame may have.
        public var maximumPacketsPerFrame: Int
        /// How long a complete frame waits for an incomplete earlier one.
        public var maximumWait: Duration

        /// Defaults: 32 frames, 512 packets per frame, 150 ms wait.
        public init(maximumPendingFrames: Int = 32, maximumPacketsPerFrame: Int = 512, maximumWait: Duration = .milliseconds(150)) {
            self.maximumPendingFrames = max(maximumPendingFrames, 2)
            self.maximumPacketsPerFrame = max(maximumPacketsPerFrame, 1)
            self.maximumWait = maximumWait
        }
    }

    /// A frame ready for the decoder.
    public struct Frame: Sendable, Equatable {
        /// The frame's RTP timestamp.
        public var timestamp: UInt32
        /// The payload fragments, concatenated in sequence order.
        public var data: [UInt8]
        /// Frames were lost or dropped between the previous released frame and this one.
        public var followsGap: Bool
        /// Sequence numbers of the frame's first and last packets.
        public var firstSequenceNumber: UInt16
        public var lastSequenceNumber: UInt16
    }

    private struct PendingFrame: Sendable {
        var timestamp: UInt32
        var fragments: [Int64: [UInt8]] = [:]
        var first: Int64?
        var last: Int64?
        var completedAt: Duration?

        var isComplete: Bool {
            guard let first, let last, last >= first, last - first < Int64(fragments.count) else { return false }
            return (first...last).allSatisfy { fragments[$0] != nil }
        }

        var lowestSequence: Int64 { first ?? fragments.keys.min() ?? .max }
    }

    /// The settings this assembler was made with.
    public let configuration: Configuration
    private var unwrapper = SequenceNumberUnwrapper()
    private var pending: [PendingFrame] = []
    /// Last sequence number of the last released frame.
    private var lastReleased: Int64?
    /// Frames dropped since the start (incomplete, late or over the bounds).
    public private(set) var droppedFrameCount = 0
    /// Packets refused as late or duplicate.
    public private(set) var discardedPacketCount = 0

    /// An empty assembler.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Frames held, complete or not.
    public var pendingFrameCount: Int { pending.count }

    /// Adds one packet's payload fragment. `startsFrame` comes from the payload format (for
    /// VP8: start of partition 0). Returns the frames that became ready, in order.
    public mutating func insert(
        _ packet: RTPPacket, fragment: [UInt8], startsFrame: Bool, now: Duration
    ) -> [Frame] {
        let sequence = unwrapper.unwrap(packet.sequenceNumber)
        if let lastReleased, sequence <= lastReleased {
            discardedPacketCount += 1
            return release(now: now)
        }
        let index: Int
        if let existing = pending.firstIndex(where: { $0.timestamp == packet.timestamp }) {
            index = existing
        } else {
            pending.append(PendingFrame(timestamp: packet.timestamp))
            index = pending.count - 1
        }
        guard pending[index].fragments[sequence] == nil,
            pending[index].fragments.count < configuration.maximumPacketsPerFrame
        else {
            discardedPacketCount += 1
            return release(now: now)
        }
        pending[index].fragments[sequence] = fragment
        if startsFrame { pending[index].first = sequence }
        if packet.marker { pending[index].last = sequence }
        if pending[index].isComplete, pending[index].completedAt == nil {
            pending[index].completedAt = now
        }
        pending.sort { $0.lowestSequence < $1.lowestSequence }
        while pending.count > configuration.maximumPendingFrames {
            pending.removeFirst()
            droppedFrameCount += 1
        }
        return release(now: now)
    }

    /// Releases frames whose wait has run out. Call on a timer (every frame interval).
    public mutating func poll(now: Duration) -> [Frame] {
        release(now: now)
    }

    /// Forgets everything held (counted as dropped).
    public mutating func reset() {
        droppedFrameCount += pending.count
        pending.removeAll()
    }

    private mutating func release(now: Duration) -> [Frame] {
        var released: [Frame] = []
        while let index = pending.firstIndex(where: \.isComplete) {
            let frame = pending[index]
            guard let first = frame.first, let last = frame.last else { break }
            // Before the first release nothing says whether earlier frames are on their
            // way, so the first frame waits too.
            let contiguous = index == 0 && lastReleased.map { first == $0 + 1 } ?? false
            if !contiguous {
                let waited = frame.completedAt.map { now - $0 } ?? .zero
                guard waited >= configuration.maximumWait else { break }
            }
            droppedFrameCount += index
            pending.removeFirst(index + 1)
            let data = (first...last).flatMap { frame.fragments[$0] ?? [] }
            released.append(
                Frame(
                    timestamp: frame.timestamp, data: data,
                    followsGap: !contiguous && lastReleased != nil,
                    firstSequenceNumber: UInt16(truncatingIfNeeded: first),
                    lastSequenceNumber: UInt16(truncatingIfNeeded: last)))
            lastReleased = last
        }
        return released
    }
}
