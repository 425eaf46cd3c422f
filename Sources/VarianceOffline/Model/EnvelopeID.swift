/// The sender's name for one deposited envelope: 16 bytes, random. A mailbox holds an id at
/// most once, so a repeated deposit is stored once, and the recipient dedupes by it.
public struct EnvelopeID: Sendable, Hashable, CustomStringConvertible {
    /// The 16 id bytes.
    public let bytes: [UInt8]

    /// - Throws: ``OfflineError/malformed(_:)`` unless `bytes` is 16 bytes long.
    public init(_ bytes: [UInt8]) throws(OfflineError) {
        guard bytes.count == OfflineProtocol.envelopeIDBytes else { throw .malformed("envelope id length") }
        self.bytes = bytes
    }

    /// A fresh random id.
    public static func random() -> EnvelopeID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random id drawn from `generator` (seeded in tests).
    public static func random(using generator: inout some RandomNumberGenerator) -> EnvelopeID {
        let bytes = (0..<OfflineProtocol.envelopeIDBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try! EnvelopeID(bytes)  // 16 bytes by construction
    }

    /// The id in hex.
    public var description: String { hex(bytes) }
}
