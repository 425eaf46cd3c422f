/// A pubsub message ID: the bytes that name a message in the seen cache, the message cache,
/// IHAVE and IWANT. By default the author's binary peer ID followed by the sequence number
/// (go-libp2p and py-libp2p agree on that order); see ``MessageIDFunction``.
public struct MessageID: Sendable, Hashable, CustomStringConvertible {
    /// The ID bytes.
    public let bytes: [UInt8]

    /// An ID from its bytes.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Lower-case hex.
    public var description: String {
        bytes.map { String($0, radix: 16).leftPadded }.joined()
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
