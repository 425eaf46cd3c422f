import LibP2PCore
import NIOCore

/// Between multiaddrs and socket addresses.
enum TCPAddress {
    /// Host and port of `/ip4/…/tcp/…`, `/ip6/…/tcp/…` or `/dns*/…/tcp/…`.
    static func hostAndPort(of address: Multiaddr) throws -> (String, Int) {
        guard let port = address.tcpPort, let host = host(of: address) else {
            throw LibP2PError.unsupportedAddress("\(address) is not a TCP address")
        }
        return (host, Int(port))
    }

    /// The first IP or DNS component, as text a socket API takes.
    static func host(of address: Multiaddr) -> String? {
        for component in address.components {
            switch component {
            case .ip4, .ip6, .dns, .dns4, .dns6: return component.value
            default: continue
            }
        }
        return nil
    }

    static func multiaddr(of socketAddress: SocketAddress?) throws -> Multiaddr {
        guard let socketAddress, let ip = socketAddress.ipAddress, let port = socketAddress.port else {
            throw LibP2PError.unsupportedAddress("no IP address")
        }
        switch socketAddress {
        case .v4: return try Multiaddr("/ip4/\(ip)/tcp/\(port)")
        case .v6: return try Multiaddr("/ip6/\(ip)/tcp/\(port)")
        default: throw LibP2PError.unsupportedAddress("not an IP socket")
        }
    }
}
