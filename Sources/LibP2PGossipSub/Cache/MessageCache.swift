import LibP2PCore

/// The message cache (`mcache`, gossipsub-v1.0.md "Message Cache"): recent messages by ID,
/// in history windows of one heartbeat each. IWANT is answered from all ``historyLength``
/// windows; IHAVE gossip advertises the newest ``historyGossip``. ``shift()`` at the end of
/// each heartbeat opens a new window and drops the oldest.
///
/// It also counts how often each message was sent to each peer in answer to IWANT, so that
/// retransmissions can be limited (gossipsub-v1.1.md, "Spam Protection Measures").
struct MessageCache: Sendable {
    private struct Entry: Sendable {
        var message: PubSubMessage
        var topic: String
        var transmissions: [PeerID: Int] = [:]
    }

    private var entries: [MessageID: Entry] = [:]
    /// Windows, newest first; each lists the IDs put in it.
    private var windows: [[MessageID]]
    private let historyGossip: Int

    /// An empty cache.
    init(historyLength: Int, historyGossip: Int) {
        windows = Array(repeating: [], count: max(1, historyLength))
        self.historyGossip = max(0, min(historyGossip, max(1, historyLength)))
    }

    /// Adds a message to the newest window (a message already cached is not added again).
    mutating func put(_ message: PubSubMessage, id: MessageID, topic: String) {
        guard entries[id] == nil else { return }
        entries[id] = Entry(message: message, topic: topic)
        windows[0].append(id)
    }

    /// The cached message, if still in any window.
    func get(_ id: MessageID) -> PubSubMessage? {
        entries[id]?.message
    }

    /// The message for an IWANT from `peer`, counting the transmission; nil when it is not
    /// cached or was already sent `limit` times to that peer.
    mutating func getForPeer(_ id: MessageID, peer: PeerID, limit: Int) -> PubSubMessage? {
        guard var entry = entries[id] else { return nil }
        let count = entry.transmissions[peer, default: 0] + 1
        guard count <= limit else { return nil }
        entry.transmissions[peer] = count
        entries[id] = entry
        return entry.message
    }

    /// The IDs in the newest ``historyGossip`` windows for `topic`, newest first.
    func gossipIDs(topic: String) -> [MessageID] {
        windows.prefix(historyGossip).flatMap { window in window.filter { entries[$0]?.topic == topic } }
    }

    /// Opens a new window and forgets the messages of the oldest.
    mutating func shift() {
        for id in windows.removeLast() { entries[id] = nil }
        windows.insert([], at: 0)
    }

    /// Number of cached messages.
    var count: Int { entries.count }
}
