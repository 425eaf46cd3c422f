/// Constants of DCUtR, Direct Connection Upgrade through Relay (libp2p/specs `relay/DCUtR.md`).
public enum HolePunchProtocol {
    /// The protocol ID negotiated with multistream-select.
    public static let id = "/libp2p/dcutr"
    /// The largest encoded message accepted (length prefix excluded): the specification's 4 KiB.
    public static let maxMessageSize = 4096
    /// The most `ObsAddrs` entries a message may carry before it is refused outright.
    public static let maxAddressEntries = 64
    /// The longest single `ObsAddrs` entry kept; longer ones are dropped (real addresses are
    /// under 100 bytes).
    public static let maxAddressSize = 256
    /// The most addresses kept from one message (after dropping unusable ones), and the most we
    /// send. py-libp2p sends at most 20.
    public static let maxAddresses = 20
    /// Attempts the initiator makes before giving up (the specification: "retry twice").
    public static let maxAttempts = 3
}
