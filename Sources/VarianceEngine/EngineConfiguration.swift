#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the engine is told at start: command line first, then `config.yaml`, then
/// defaults. Every setting has a default, so no file is needed.
public struct EngineConfiguration: Sendable {
    /// The data directory: identity file, database, configuration.
    public var dataDirectory: String
    /// `config.yaml` (default: inside the data directory).
    public var configFile: String
    /// libp2p listen addresses (used once the node exists).
    public var listenAddresses: [String] = []
    /// Relays to hold reservations on (`p2p.relay_peers`): full multiaddrs ending in
    /// `/p2p/<relay peer ID>`.
    public var relayPeers: [String] = []
    /// DHT peers to bootstrap from at start (`p2p.bootstrap`): multiaddrs ending in `/p2p/<id>`.
    public var bootstrapPeers: [String] = []
    /// Which addresses hole punching (DCUtR) offers and dials (`p2p.hole_punch_scope`):
    /// `public` on the internet, `private` on LANs and test networks.
    public var holePunchPrivateAddresses = false
    /// mDNS discovery on the local network (`discovery.mdns`, on by default; it runs when
    /// the node listens on a non-loopback IPv4 address).
    public var mdns = true
    /// The largest RPC message accepted.
    public var maxMessageBytes = 16 << 20
    /// Events are kept at least this many days...
    public var eventRetentionDays = 7
    /// ...and at least this many of the newest, whichever keeps more.
    public var eventRetentionCount = 100_000
    /// Messages disappear after this many days (at most 30).
    public var messageLifetimeDays = 30
    /// Whether strangers' messages are accepted (`anyone`) or wait until we add them
    /// (`contacts`).
    public var acceptFromStrangers = true
    /// Call media (`media.stun`: `["stun:host:port"]`; `media.turn`: `[{url, username,
    /// credential}]`; `media.relay_only`: only TURN-relayed candidates are offered, so the
    /// other side never learns our address; `media.host_addresses`: the local addresses ICE
    /// gathers on, all by default).
    public var stunServers: [String] = []
    public var turnServers: [(url: String, username: String, credential: String)] = []
    public var relayOnlyMedia = false
    public var mediaHostAddresses: [String]?
    /// The media process spawned for each call (`media.helper`, an absolute path). Unset: the
    /// `VARIANCE_MEDIA_HELPER` environment variable, else `variance-media` beside the engine's
    /// own executable.
    public var mediaHelper: String?
    /// How long an unanswered call rings before it ends with `noAnswer` (`calls.ring_seconds`).
    public var callRingSeconds = 45
    /// How long an offer or answer waits for ICE candidates before it leaves; later ones are
    /// trickled (`calls.candidate_window_ms`, 0 trickles them all).
    public var callCandidateWindowMillis = 150

    public init(dataDirectory: String? = nil, configFile: String? = nil) {
        let directory = dataDirectory ?? Self.defaultDataDirectory()
        self.dataDirectory = directory
        self.configFile = configFile ?? directory + "/config.yaml"
    }

    /// `$XDG_DATA_HOME/variance`, else `~/.local/share/variance`.
    public static func defaultDataDirectory() -> String {
        if let xdg = getenv("XDG_DATA_HOME"), xdg.pointee != 0 {
            return String(cString: xdg) + "/variance"
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return home + "/.local/share/variance"
    }
}
