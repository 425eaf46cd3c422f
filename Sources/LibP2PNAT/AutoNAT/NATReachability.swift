import LibP2PCore

/// What AutoNAT has concluded about this node.
public enum NATReachability: Sendable, Hashable, CustomStringConvertible {
    /// Not enough agreeing answers yet (or they aged out).
    case unknown
    /// Dialable from the internet; with the address most servers reached us on, when they
    /// said.
    case `public`(Multiaddr?)
    /// Behind a NAT or firewall: servers could not dial us.
    case `private`

    /// `unknown`, `public /ip4/…` or `private`.
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .public(let address?): "public \(address)"
        case .public(nil): "public"
        case .private: "private"
        }
    }
}
