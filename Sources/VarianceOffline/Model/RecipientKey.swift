/// A mailbox name: the recipient's Ed25519 public key (32 bytes), the key behind their
/// `did:key`. Only its length is checked here; the fetch proof checks that it is a key.
public struct RecipientKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 key bytes.
    public let bytes: [UInt8]

    /// - Throws: ``OfflineError/malformed(_:)`` unless `bytes` is 32 bytes long.
    public init(_ bytes: [UInt8]) throws(OfflineError) {
        guard bytes.count == OfflineProtocol.recipientKeyBytes else { throw .malformed("recipient key length") }
        self.bytes = bytes
    }

    /// The first 8 bytes in hex: enough to tell mailboxes apart in a log.
    public var description: String { "mailbox:" + hex(bytes.prefix(8)) + "…" }
}

/// Lowercase hex of `bytes`.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
