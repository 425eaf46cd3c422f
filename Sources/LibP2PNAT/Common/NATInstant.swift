/// A point in time given to the pure cores by their caller, in milliseconds since an epoch
/// the caller chooses (a monotonic clock in the I/O shell, zero in tests). The cores never
/// read a clock; they compare instants they were given and return the instants they want
/// to be woken at.
public struct NATInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the caller's epoch.
    public let milliseconds: Int64

    /// An instant.
    ///
    /// - Parameter milliseconds: Milliseconds since the caller's epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The epoch itself.
    public static let zero = NATInstant(milliseconds: 0)

    /// Numeric order.
    public static func < (lhs: NATInstant, rhs: NATInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// This instant plus a duration (saturating, whole milliseconds).
    public static func + (lhs: NATInstant, rhs: Duration) -> NATInstant {
        NATInstant(milliseconds: lhs.milliseconds.natAddingSaturating(rhs.natMilliseconds))
    }

    /// This instant minus a duration (saturating, whole milliseconds).
    public static func - (lhs: NATInstant, rhs: Duration) -> NATInstant {
        NATInstant(milliseconds: lhs.milliseconds.natAddingSaturating(-rhs.natMilliseconds))
    }

    /// The time from `rhs` to `lhs` (negative when `lhs` is earlier).
    public static func - (lhs: NATInstant, rhs: NATInstant) -> Duration {
        .milliseconds(lhs.milliseconds.natAddingSaturating(-rhs.milliseconds))
    }

    /// `<milliseconds>ms`.
    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// Whole milliseconds, saturating at the bounds of `Int64`.
    var natMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.natAddingSaturating(attoseconds / 1_000_000_000_000_000)
    }
}

extension Int64 {
    func natAddingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other < 0 ? .min : .max }
        return sum
    }
}
