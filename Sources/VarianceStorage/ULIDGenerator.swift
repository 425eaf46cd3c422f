import Synchronization

/// Makes ULIDs that strictly increase within this generator.
///
/// Within one millisecond, and when the clock steps backwards, the next ULID keeps the
/// last time and adds one to the 80 random bits; if those overflow, the time moves on by
/// one millisecond. Thread-safe.
public final class ULIDGenerator: Sendable {
    private struct State {
        var last: ULID?
    }

    private let state = Mutex(State())

    /// Creates a generator.
    public init() {}

    /// The next ULID at the current wall-clock time.
    public func next() -> ULID {
        next(unixMillis: WallClock.nowMillis())
    }

    /// The next ULID at `unixMillis` (or just after the previous one, whichever is larger).
    public func next(unixMillis: Int64) -> ULID {
        let time = UInt64(clamping: max(0, unixMillis)) & ULID.maxTime
        var rng = SystemRandomNumberGenerator()
        let fresh = ULID(unixMillis: time, randomHigh: rng.next(), randomLow: rng.next())
        return state.withLock { state in
            var id = fresh
            if let last = state.last, fresh <= last {
                id = Self.successor(of: last)
            }
            state.last = id
            return id
        }
    }

    /// `id + 1` as a 128-bit number: the random bits carry into the time bits on overflow.
    private static func successor(of id: ULID) -> ULID {
        let (low, carry) = id.low.addingReportingOverflow(1)
        return ULID(high: carry ? id.high &+ 1 : id.high, low: low)
    }
}
