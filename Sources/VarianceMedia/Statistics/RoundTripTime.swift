/// Round-trip time from a report block about our own stream (RFC 3550 §6.4.1): the block's
/// arrival time minus the LSR it echoes minus the DLSR the remote waited, all in compact
/// NTP units of 1/65536 s.
public enum RoundTripTime {
    /// The RTT, or nil when the block echoes no sender report (LSR 0) or the result is
    /// negative (clock trouble or a forged block).
    public static func measure(_ block: RTCPReportBlock, arrival: NTPTimestamp) -> Duration? {
        guard block.lastSenderReport != 0 else { return nil }
        let units = Int64(arrival.compact &- block.lastSenderReport) - Int64(block.delaySinceLastSenderReport)
        guard units >= 0, units < 0x8000_0000 else { return nil }
        return .nanoseconds(units * 1_000_000_000 / 65_536)
    }
}
