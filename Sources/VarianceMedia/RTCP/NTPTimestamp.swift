/// A 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, fraction in the low 32
/// (RFC 3550 §4).
public struct NTPTimestamp: Sendable, Hashable, Comparable {
    /// Seconds in the high 32 bits, fraction in the low 32.
    public var rawValue: UInt64

    /// The timestamp with these 64 bits.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The timestamp `duration` after the NTP epoch (the caller chooses how its clock maps
    /// onto it; only differences matter for RTT).
    public init(sinceEpoch duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let fraction = UInt64((Double(attoseconds) / 1e18) * 4_294_967_296.0)
        rawValue = UInt64(truncatingIfNeeded: seconds) << 32 | min(fraction, 0xFFFF_FFFF)
    }

    /// The middle 32 bits, as carried in LSR and used for RTT (units of 1/65536 s).
    public var compact: UInt32 {
        UInt32(truncatingIfNeeded: rawValue >> 16)
    }

    /// Earlier in time (no era wrap handling).
    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
