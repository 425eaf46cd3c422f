/// Constants of AutoNAT v1 (libp2p/specs `autonat/autonat-v1.md`).
public enum AutoNATProtocol {
    /// The protocol ID negotiated with multistream-select.
    public static let id = "/libp2p/autonat/1.0.0"
    /// The largest encoded message accepted (length prefix excluded). The specification sets
    /// none; a request with 32 addresses is under 2 KiB, go-libp2p reads 4 KiB.
    public static let maxMessageSize = 8 * 1024
    /// The most addresses one message may list before it is refused outright.
    public static let maxAddressesPerMessage = 64
    /// The longest status text accepted in a response, in bytes.
    public static let maxStatusTextLength = 256
}
