/// A point in time given to the pure core by its caller, in milliseconds since an epoch the
/// caller chooses (the I/O shell uses the Unix epoch so that persisted expiry times survive a
/// restart; the simulator starts at zero). The core never reads a clock.
public struct KadTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the caller's epoch.
    public let milliseconds: Int64

    /// A timestamp.
    ///
    /// - Parameter milliseconds: Milliseconds since the caller's epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// A timestamp from whole seconds.
    ///
    /// - Parameter seconds: Seconds since the caller's epoch.
    public init(seconds: Int64) {
        self.init(milliseconds: seconds &* 1000)
    }

    /// The epoch itself.
    public static let zero = KadTimestamp(milliseconds: 0)

    /// Numeric order.
    public static func < (lhs: KadTimestamp, rhs: KadTimestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// This time plus a duration (saturating).
    public static func + (lhs: KadTimestamp, rhs: Duration) -> KadTimestamp {
        KadTimestamp(milliseconds: lhs.milliseconds.addingSaturating(rhs.kadMilliseconds))
    }

    /// This time minus a duration (saturating).
    public static func - (lhs: KadTimestamp, rhs: Duration) -> KadTimestamp {
        KadTimestamp(milliseconds: lhs.milliseconds.addingSaturating(-rhs.kadMilliseconds))
    }

    /// The time from `rhs` to `lhs`.
    public static func - (lhs: KadTimestamp, rhs: KadTimestamp) -> Duration {
        .milliseconds(lhs.milliseconds.addingSaturating(-rhs.milliseconds))
    }

    /// `<milliseconds>ms`.
    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// Whole milliseconds, saturating at the bounds of `Int64`.
    var kadMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingSaturating(attoseconds / 1_000_000_000_000_000)
    }
}

extension Int64 {
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other < 0 ? .min : .max }
        return sum
    }
}
