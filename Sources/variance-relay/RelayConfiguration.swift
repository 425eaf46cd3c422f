import LibP2PNAT
import LibP2PRelay
import VarianceOffline
import Yams

/// What `relay.yaml` may say. Every key is optional; the command line's `--port` decides the
/// default listen address.
///
/// ```yaml
/// listen: ["/ip4/0.0.0.0/tcp/4001"]
/// announce: ["/ip4/203.0.113.5/tcp/4001"]   # public addresses put in reservations
/// limits:
///   reservations: 1024
///   reservation_seconds: 3600
///   circuits: 256
///   circuits_per_peer: 16
///   circuit_seconds: 3600
///   circuit_bytes: 67108864
///   connections: 4096
///   pending_handshakes: 256
///   pending_handshakes_per_address: 64
/// autonat:
///   dial_scope: public   # or private (LANs, test networks) or loopback (one machine)
/// offline:
///   envelopes_per_recipient: 10000
///   bytes_per_recipient: 67108864
///   total_bytes: 1073741824
///   max_age_days: 30
/// ```
struct RelayConfiguration {
    var listen: [String] = []
    var announce: [String] = []
    var limits = RelayLimits()
    /// Connections at once (every reservation holds one) and connections still handshaking.
    var maxConnections = 4096
    var maxPendingHandshakes = 256
    /// Handshakes from one IP address at once (a quarter of them by default).
    var maxPendingHandshakesPerAddress = 64
    /// Which requesters' addresses AutoNAT dials back: `public` (the internet), `private`
    /// (also RFC 1918 and CGNAT space: LANs, test networks) or `loopback` (one host).
    var autonatScope = NATAddressPolicy.publicOnly
    /// The offline store's quotas.
    var offlineLimits = OfflineLimits()

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> RelayConfiguration {
        var configuration = RelayConfiguration()
        guard let root = try Yams.load(yaml: text) else { return configuration }
        guard let map = root as? [String: Any] else { throw Invalid(description: "relay.yaml must be a mapping") }
        for (key, value) in map {
            switch key {
            case "listen":
                guard let list = value as? [String] else { throw Invalid(description: "listen must be a list of multiaddrs") }
                configuration.listen = list
            case "announce":
                guard let list = value as? [String] else { throw Invalid(description: "announce must be a list of multiaddrs") }
                configuration.announce = list
            case "autonat":
                guard let section = value as? [String: Any] else { throw Invalid(description: "autonat must be a mapping") }
                for (key, value) in section {
                    guard key == "dial_scope" else { throw Invalid(description: "unknown setting 'autonat.\(key)'") }
                    switch value as? String {
                    case "public": configuration.autonatScope = .publicOnly
                    case "private": configuration.autonatScope = .includingPrivate
                    case "loopback": configuration.autonatScope = .includingLoopback
                    default: throw Invalid(description: "autonat.dial_scope must be public, private or loopback")
                    }
                }
            case "offline":
                guard let section = value as? [String: Any] else { throw Invalid(description: "offline must be a mapping") }
                for (key, value) in section {
                    guard let number = value as? Int, number > 0 else {
                        throw Invalid(description: "offline.\(key) must be a positive whole number")
                    }
                    switch key {
                    case "envelopes_per_recipient": configuration.offlineLimits.maxEnvelopesPerRecipient = number
                    case "bytes_per_recipient": configuration.offlineLimits.maxBytesPerRecipient = number
                    case "total_bytes": configuration.offlineLimits.maxTotalBytes = number
                    case "max_age_days": configuration.offlineLimits.maxAgeSeconds = Int64(min(number, 30)) * 86_400
                    default: throw Invalid(description: "unknown setting 'offline.\(key)'")
                    }
                }
                guard configuration.offlineLimits.isConsistent else {
                    throw Invalid(description: "the offline limits contradict each other (a recipient's quota above the total?)")
                }
            case "limits":
                guard let limits = value as? [String: Any] else { throw Invalid(description: "limits must be a mapping") }
                try configuration.applyLimits(limits)
            default:
                throw Invalid(description: "unknown setting '\(key)' in relay.yaml")
            }
        }
        return configuration
    }

    private mutating func applyLimits(_ map: [String: Any]) throws {
        for (key, value) in map {
            guard let number = value as? Int, number > 0 else {
                throw Invalid(description: "limits.\(key) must be a positive whole number")
            }
            switch key {
            case "reservations": limits.maxReservations = number
            case "reservation_seconds": limits.reservationTTL = .seconds(number)
            case "circuits": limits.maxCircuits = number
            case "circuits_per_peer": limits.maxCircuitsPerPeer = number
            case "circuit_seconds": limits.circuitDuration = .seconds(number)
            case "circuit_bytes": limits.circuitBytes = UInt64(number)
            case "connections": maxConnections = number
            case "pending_handshakes": maxPendingHandshakes = number
            case "pending_handshakes_per_address": maxPendingHandshakesPerAddress = number
            default: throw Invalid(description: "unknown limit 'limits.\(key)'")
            }
        }
    }
}
