/// Reorders received audio packets by sequence number and plays them out at a steady
/// 20 ms cadence after a fixed playout delay.
///
/// The I/O shell calls `insert(_:now:)` for each received packet and `nextFrame(now:)` once
/// per frame interval; each `nextFrame` result tells the decoder what to do for that 20 ms:
///
/// - `.packet`: decode it;
/// - `.missing(sequenceNumber:next:)`: the packet was lost; decode FEC from `next` when
///   present, else conceal (PLC);
/// - `.underrun`: nothing buffered at all (the sender paused or the network stalled);
///   conceal or play silence; the expected packet stays expected;
/// - `.buffering`: playout has not started yet.
///
/// After an outage, a gap of more than `maximumConcealedRun` packets before the oldest
/// buffered packet is skipped in one step (counted in `statistics.skipped`), so the delay
/// stays near the playout delay.
///
/// Bounds: at most `capacity` packets are held. A packet beyond that window ahead of the
/// playout point moves the playout point forward (the oldest packets are dropped and
/// counted); a packet behind it is late and dropped.
public struct AudioJitterBuffer: Sendable {
    /// Playout delay and size bound.
    public struct Configuration: Sendable, Equatable {
        /// How long after the first packet playout starts.
        public var playoutDelay: Duration
        /// Packets held at most.
        public var capacity: Int
        /// A gap longer than this many packets before the oldest buffered one is skipped at
        /// once instead of being concealed frame by frame (after an outage, so that delay
        /// does not pile up).
        public var maximumConcealedRun: Int

        /// Defaults: 60 ms delay, 50 packets (one second of 20 ms frames), gaps over 5
        /// packets skipped.
        public init(playoutDelay: Duration = .milliseconds(60), capacity: Int = 50, maximumConcealedRun: Int = 5) {
            self.playoutDelay = playoutDelay
            self.capacity = max(capacity, 2)
            self.maximumConcealedRun = max(maximumConcealedRun, 1)
        }
    }

    /// What to play for one frame interval.
    public enum Playout: Sendable, Equatable {
        case packet(RTPPacket)
        case missing(sequenceNumber: UInt16, next: RTPPacket?)
        case underrun
        case buffering
    }

    /// What happened to an inserted packet.
    public enum Insertion: Sendable, Equatable {
        case buffered
        /// Its turn to play has passed.
        case late
        case duplicate
    }

    /// Counters since the start.
    public struct Statistics: Sendable, Equatable {
        /// Packets inserted.
        public var received = 0
        /// Packets that came after their turn to play.
        public var late = 0
        /// Packets inserted twice.
        public var duplicates = 0
        /// Frame intervals whose packet was absent.
        public var missing = 0
        /// Dropped because the buffer was full.
        public var overflowed = 0
        /// Frame intervals with nothing buffered at all.
        public var underruns = 0
        /// Missing packets skipped over in one go (included in `missing`).
        public var skipped = 0
    }

    /// The settings this buffer was made with.
    public let configuration: Configuration
    /// Counters since the start.
    public private(set) var statistics = Statistics()
    private var unwrapper = SequenceNumberUnwrapper()
    private var packets: [Int64: RTPPacket] = [:]
    private var nextToPlay: Int64?
    private var playoutStart: Duration?

    /// An empty buffer; playout starts `playoutDelay` after the first packet.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Packets held.
    public var count: Int { packets.count }

    /// Adds a received packet; `now` starts the playout clock on the first one.
    public mutating func insert(_ packet: RTPPacket, now: Duration) -> Insertion {
        statistics.received += 1
        let sequence = unwrapper.unwrap(packet.sequenceNumber)
        if playoutStart == nil { playoutStart = now + configuration.playoutDelay }
        if let next = nextToPlay, sequence < next {
            statistics.late += 1
            return .late
        }
        guard packets[sequence] == nil else {
            statistics.duplicates += 1
            return .duplicate
        }
        packets[sequence] = packet
        // Keep the window: drop the oldest until the newest fits.
        let newest = packets.keys.max() ?? sequence
        while packets.count > configuration.capacity || (packets.keys.min().map { newest - $0 >= Int64(configuration.capacity) } ?? false) {
            guard let oldest = packets.keys.min() else { break }
            packets[oldest] = nil
            statistics.overflowed += 1
            nextToPlay = max(nextToPlay ?? oldest + 1, oldest + 1)
        }
        return .buffered
    }

    /// What to play for the next frame interval.
    public mutating func nextFrame(now: Duration) -> Playout {
        guard let start = playoutStart, now >= start else { return .buffering }
        guard let lowest = packets.keys.min() else {
            statistics.underruns += 1
            return .underrun
        }
        var expected = nextToPlay ?? lowest
        if lowest - expected > Int64(configuration.maximumConcealedRun) {
            statistics.missing += Int(lowest - expected)
            statistics.skipped += Int(lowest - expected)
            expected = lowest
        }
        if let packet = packets.removeValue(forKey: expected) {
            nextToPlay = expected + 1
            return .packet(packet)
        }
        statistics.missing += 1
        nextToPlay = expected + 1
        return .missing(sequenceNumber: UInt16(truncatingIfNeeded: expected), next: packets[expected + 1])
    }
}
