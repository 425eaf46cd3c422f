/// Adjusts the sending bitrate from the loss receivers report (in the spirit of the
/// loss-based part of draft-ietf-rmcat-gcc §6):
///
/// - more than 10% loss: reduce by half the loss fraction (`rate × (1 − loss/2)`);
/// - less than 2% loss: increase by 5%;
/// - otherwise: hold.
///
/// The result always stays within `minimum...maximum`.
public struct LossBasedBitrateController: Sendable, Equatable {
    /// Lowest bitrate it will set, bits per second.
    public let minimum: Int
    /// Highest bitrate it will set, bits per second.
    public let maximum: Int
    /// The current target, bits per second.
    public private(set) var bitrate: Int

    /// A controller starting at `initial`, clamped to the bounds.
    public init(initial: Int, minimum: Int, maximum: Int) {
        self.minimum = min(minimum, maximum)
        self.maximum = max(minimum, maximum)
        bitrate = min(max(initial, self.minimum), self.maximum)
    }

    /// Takes one report's loss fraction (0...1) and returns the new bitrate.
    @discardableResult
    public mutating func update(lossFraction: Double) -> Int {
        let loss = lossFraction.isFinite ? min(max(lossFraction, 0), 1) : 0
        var next = Double(bitrate)
        if loss > 0.10 {
            next *= 1 - loss / 2
        } else if loss < 0.02 {
            next *= 1.05
        }
        bitrate = min(max(Int(next.rounded()), minimum), maximum)
        return bitrate
    }

    /// Takes the `fractionLost` field of a report block (loss in 1/256 units).
    @discardableResult
    public mutating func update(_ block: RTCPReportBlock) -> Int {
        update(lossFraction: Double(block.fractionLost) / 256)
    }
}
