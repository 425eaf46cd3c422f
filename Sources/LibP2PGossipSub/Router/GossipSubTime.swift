/// A point in time given to the pure core by its caller, in milliseconds since an epoch the
/// caller chooses (the I/O shell uses a monotonic clock; the tests start at zero). The core
/// never reads a clock.
public struct GossipSubTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the caller's epoch.
    public let milliseconds: Int64

    /// A time.
    ///
    /// - Parameter milliseconds: Milliseconds since the caller's epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// A time from whole seconds.
    ///
    /// - Parameter seconds: Seconds since the caller's epoch.
    public init(seconds: Int64) {
        self.init(milliseconds: seconds.multipliedReportingOverflow(by: 1000).overflow ? .max : seconds * 1000)
    }

    /// The epoch itself.
    public static let zero = GossipSubTime(milliseconds: 0)

    /// Numeric order.
    public static func < (lhs: GossipSubTime, rhs: GossipSubTime) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// This time plus a duration (saturating).
    public static func + (lhs: GossipSubTime, rhs: Duration) -> GossipSubTime {
        GossipSubTime(milliseconds: lhs.milliseconds.gossipAddingSaturating(rhs.gossipMilliseconds))
    }

    /// The time from `rhs` to `lhs`.
    public static func - (lhs: GossipSubTime, rhs: GossipSubTime) -> Duration {
        .milliseconds(lhs.milliseconds.gossipAddingSaturating(-rhs.milliseconds))
    }

    /// `<milliseconds>ms`.
    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// Whole milliseconds, saturating at the bounds of `Int64`.
    var gossipMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.gossipAddingSaturating(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in (fractional) seconds.
    var gossipSeconds: Double {
        Double(gossipMilliseconds) / 1000
    }
}

extension Int64 {
    func gossipAddingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other < 0 ? .min : .max }
        return sum
    }
}
