#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LibP2PCore
import Yams

/// Reads `config.yaml`. Unknown keys are reported, not fatal; a bad value is an error
/// that names the key.
///
/// ```yaml
/// listen: ["/ip4/127.0.0.1/tcp/0"]
/// rpc:
///   maxMessageBytes: 16777216
/// events:
///   retentionDays: 7
///   retentionCount: 100000
/// messages:
///   lifetimeDays: 30
/// contacts:
///   accept: anyone        # or: contacts (strangers' messages wait until they are added)
/// p2p:
///   relay_peers:          # relays to reserve a slot on (reachability behind NATs, offline store)
///     - peer_id: 12D3KooW...
///       multiaddr: /ip4/203.0.113.5/tcp/4001
///   hole_punch_scope: public  # or private: DCUtR also offers and dials private addresses
///   bootstrap: ["/ip4/203.0.113.5/tcp/4001/p2p/12D3KooW..."]  # DHT peers to start from
/// discovery:
///   mdns: true            # find engines on the local network (when listening beyond loopback)
/// ```
public enum ConfigFile {
    /// Applies the file at `configuration.configFile`, if it exists. Returns warnings.
    public static func apply(to configuration: inout EngineConfiguration) throws(EngineError) -> [String] {
        guard access(configuration.configFile, F_OK) == 0 else { return [] }
        let text: String
        do { text = try FileIO.readText(configuration.configFile) } catch {
            throw EngineError.invalidConfiguration("cannot read \(configuration.configFile)")
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw EngineError.invalidConfiguration("\(configuration.configFile) is not valid YAML")
        }
        guard let root else { return [] }
        guard let map = root as? [String: Any] else {
            throw EngineError.invalidConfiguration("\(configuration.configFile) must be a mapping of settings")
        }
        var warnings: [String] = []
        for (key, value) in map {
            switch key {
            case "listen":
                guard let list = value as? [String] else { throw bad("listen", "a list of multiaddr strings") }
                configuration.listenAddresses += list
            case "rpc":
                let section = try mapping(value, "rpc")
                if let v = section["maxMessageBytes"] {
                    configuration.maxMessageBytes = try int(v, "rpc.maxMessageBytes", 1024...(1 << 30))
                }
            case "events":
                let section = try mapping(value, "events")
                if let v = section["retentionDays"] { configuration.eventRetentionDays = try int(v, "events.retentionDays", 1...3650) }
                if let v = section["retentionCount"] {
                    configuration.eventRetentionCount = try int(v, "events.retentionCount", 100_000...100_000_000)
                }
            case "messages":
                let section = try mapping(value, "messages")
                if let v = section["lifetimeDays"] { configuration.messageLifetimeDays = try int(v, "messages.lifetimeDays", 1...30) }
            case "contacts":
                let section = try mapping(value, "contacts")
                if let v = section["accept"] {
                    switch v as? String {
                    case "anyone": configuration.acceptFromStrangers = true
                    case "contacts": configuration.acceptFromStrangers = false
                    default: throw bad("contacts.accept", "anyone or contacts")
                    }
                }
            case "discovery":
                let section = try mapping(value, "discovery")
                if let v = section["mdns"] {
                    guard let on = v as? Bool else { throw bad("discovery.mdns", "true or false") }
                    configuration.mdns = on
                }
            case "p2p":
                let section = try mapping(value, "p2p")
                if let v = section["relay_peers"] { configuration.relayPeers = try relayPeers(v) }
                if let v = section["bootstrap"] {
                    guard let list = v as? [String],
                        list.allSatisfy({ (try? Multiaddr($0))?.peerID != nil })
                    else { throw bad("p2p.bootstrap", "a list of multiaddrs ending in /p2p/<peer ID>") }
                    configuration.bootstrapPeers = list
                }
                if let v = section["hole_punch_scope"] {
                    switch v as? String {
                    case "public": configuration.holePunchPrivateAddresses = false
                    case "private": configuration.holePunchPrivateAddresses = true
                    default: throw bad("p2p.hole_punch_scope", "public or private")
                    }
                }
            case "calls":
                let section = try mapping(value, "calls")
                if let v = section["ring_seconds"] { configuration.callRingSeconds = try int(v, "calls.ring_seconds", 1...600) }
                if let v = section["candidate_window_ms"] {
                    configuration.callCandidateWindowMillis = try int(v, "calls.candidate_window_ms", 0...5000)
                }
            case "media":
                let section = try mapping(value, "media")
                if let v = section["stun"] {
                    guard let list = v as? [String], list.allSatisfy({ $0.hasPrefix("stun:") }) else {
                        throw bad("media.stun", "a list of stun:host[:port] URLs")
                    }
                    configuration.stunServers = list
                }
                if let v = section["turn"] {
                    guard let list = v as? [Any] else { throw bad("media.turn", "a list of {url, username, credential}") }
                    var servers: [(url: String, username: String, credential: String)] = []
                    for entry in list {
                        guard let server = entry as? [String: Any], let url = server["url"] as? String, url.hasPrefix("turn:"),
                            let username = server["username"] as? String, let credential = server["credential"] as? String
                        else { throw bad("media.turn", "a list of {url: turn:host[:port], username, credential}") }
                        servers.append((url, username, credential))
                    }
                    configuration.turnServers = servers
                }
                if let v = section["relay_only"] {
                    guard let on = v as? Bool else { throw bad("media.relay_only", "true or false") }
                    configuration.relayOnlyMedia = on
                }
                if let v = section["host_addresses"] {
                    guard let list = v as? [String] else { throw bad("media.host_addresses", "a list of IP addresses") }
                    configuration.mediaHostAddresses = list
                }
                if let v = section["helper"] {
                    guard let path = v as? String, path.hasPrefix("/") else { throw bad("media.helper", "an absolute path") }
                    configuration.mediaHelper = path
                }
            default:
                warnings.append("unknown setting '\(key)' in \(configuration.configFile)")
            }
        }
        return warnings
    }

    /// `[{peer_id, multiaddr}]` as multiaddrs ending in `/p2p/<peer_id>`.
    private static func relayPeers(_ value: Any) throws(EngineError) -> [String] {
        guard let list = value as? [Any] else { throw bad("p2p.relay_peers", "a list of {peer_id, multiaddr}") }
        var result: [String] = []
        for entry in list {
            guard let map = entry as? [String: Any], let peer = map["peer_id"] as? String,
                let address = map["multiaddr"] as? String, let parsed = try? Multiaddr(address),
                let peerID = try? PeerID(string: peer)
            else { throw bad("p2p.relay_peers", "a list of {peer_id, multiaddr} with a valid peer ID and multiaddr") }
            if let named = parsed.peerID, named != peerID {
                throw bad("p2p.relay_peers", "entries whose multiaddr names the same peer as peer_id")
            }
            result.append(parsed.peerID == nil ? "\(address)/p2p/\(peer)" : address)
        }
        return result
    }

    private static func mapping(_ value: Any, _ key: String) throws(EngineError) -> [String: Any] {
        guard let map = value as? [String: Any] else { throw bad(key, "a mapping") }
        return map
    }

    private static func int(_ value: Any, _ key: String, _ range: ClosedRange<Int>) throws(EngineError) -> Int {
        guard let i = value as? Int, range.contains(i) else {
            throw bad(key, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    private static func bad(_ key: String, _ expected: String) -> EngineError {
        .invalidConfiguration("setting '\(key)' must be \(expected)")
    }
}
