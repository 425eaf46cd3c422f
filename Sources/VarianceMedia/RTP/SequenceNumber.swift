/// Arithmetic on 16-bit RTP sequence numbers that wrap around (RFC 3550 §A.1).
public enum SequenceNumber {
    /// Whether `a` comes after `b`, taking wraparound into account (half the space ahead).
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        a != b && a &- b < 0x8000
    }

    /// Signed distance from `b` to `a`, in -32768...32767.
    public static func distance(from b: UInt16, to a: UInt16) -> Int {
        Int(Int16(bitPattern: a &- b))
    }
}

/// Extends 16-bit sequence numbers to a monotonic 64-bit count, so that wraparound
/// disappears from the code above it. The first number seen becomes the reference;
/// later numbers are placed at the closest position to the highest one seen so far.
public struct SequenceNumberUnwrapper: Sendable, Equatable {
    private var highest: Int64?

    /// An unwrapper that has seen nothing yet.
    public init() {}

    /// The extended form of `sequenceNumber`; updates the highest number seen.
    public mutating func unwrap(_ sequenceNumber: UInt16) -> Int64 {
        let extended = peek(sequenceNumber)
        if let current = highest {
            highest = max(current, extended)
        } else {
            highest = extended
        }
        return extended
    }

    /// The extended form of `sequenceNumber` without recording it.
    public func peek(_ sequenceNumber: UInt16) -> Int64 {
        guard let highest else { return Int64(sequenceNumber) + 0x1_0000 }
        let delta = SequenceNumber.distance(from: UInt16(truncatingIfNeeded: highest), to: sequenceNumber)
        return highest + Int64(delta)
    }
}
