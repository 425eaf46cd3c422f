/// A point in time given to the pure core by its caller, in milliseconds since an epoch the
/// caller chooses. The core never reads a clock.
public struct MDNSInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the caller's epoch.
    public let milliseconds: Int64

    /// An instant.
    ///
    /// - Parameter milliseconds: Milliseconds since the caller's epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// An instant from whole seconds.
    ///
    /// - Parameter seconds: Seconds since the caller's epoch.
    public init(seconds: Int64) {
        self.init(milliseconds: seconds.multipliedReportingOverflow(by: 1000).overflow ? .max : seconds * 1000)
    }

    /// Numeric order.
    public static func < (lhs: MDNSInstant, rhs: MDNSInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// This instant plus some milliseconds (saturating).
    public func adding(milliseconds delta: Int64) -> MDNSInstant {
        let (sum, overflow) = milliseconds.addingReportingOverflow(delta)
        return MDNSInstant(milliseconds: overflow ? (delta > 0 ? .max : .min) : sum)
    }

    /// `"<ms>ms"`.
    public var description: String { "\(milliseconds)ms" }
}
