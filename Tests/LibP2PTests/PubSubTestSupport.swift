import Crypto
import LibP2P
import LibP2PCore
import LibP2PGossipSub
import Logging

/// One swarm on 127.0.0.1 with a started ``PubSub`` that reads the swarm's events, for the
/// pubsub suites. The heartbeat is short (250 ms) so that meshes form quickly, and so is the
/// pause before an outbound stream is opened again (100 ms).
struct PubSubTestNode: Sendable {
    let swarm: Swarm
    let pubsub: PubSub
    /// The listen address, without `/p2p`.
    let address: Multiaddr
    /// The listen address with `/p2p`.
    let fullAddress: Multiaddr

    var peer: PeerID { swarm.localPeer }

    static func make(
        identity: Curve25519.Signing.PrivateKey = .init(), configure: (inout PubSubConfiguration) -> Void = { _ in }
    ) async throws -> PubSubTestNode {
        var logger = Logger(label: "pubsub-test")
        logger.logLevel = .error
        let swarm = Swarm(identity: identity, logger: logger)
        let address = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        var configuration = PubSubConfiguration()
        configuration.gossipSub.heartbeatInterval = .milliseconds(250)
        configuration.reopenBackoff = .milliseconds(100)
        configure(&configuration)
        let pubsub = PubSub(swarm: swarm, configuration: configuration)
        await pubsub.start(following: swarm.events)
        return PubSubTestNode(
            swarm: swarm, pubsub: pubsub, address: address, fullAddress: try address.appending(.p2p(swarm.localPeer)))
    }

    /// Dials `other` (its pubsub attaches through identify).
    func connect(to other: PubSubTestNode) async throws {
        _ = try await swarm.dial(other.fullAddress)
    }

    func close() async {
        await pubsub.stop()
        await swarm.close()
    }
}

/// Collects what a subscription delivers, read by its own task, so that tests wait on
/// counts with a bound instead of blocking on the stream.
actor MessageInbox {
    private(set) var messages: [PubSubMessage] = []
    private(set) var finished = false
    private var reader: Task<Void, Never>?

    /// An inbox reading `stream` until it ends.
    static func reading(_ stream: AsyncStream<PubSubMessage>) async -> MessageInbox {
        let inbox = MessageInbox()
        await inbox.start(stream)
        return inbox
    }

    private func start(_ stream: AsyncStream<PubSubMessage>) {
        reader = Task {
            for await message in stream { self.append(message) }
            self.end()
        }
    }

    private func append(_ message: PubSubMessage) { messages.append(message) }
    private func end() { finished = true }

    /// The payloads received, as text.
    var texts: [String] { messages.map { String(decoding: $0.data, as: UTF8.self) } }

    /// Whether a message with this text arrived.
    func contains(_ text: String) -> Bool { texts.contains(text) }

    /// Stops reading (ending the subscription).
    func cancel() { reader?.cancel() }
}

/// Waits until `condition` holds, polling every 20 ms for at most `seconds` (generous: the
/// machine is small and shared). Returns whether it came true.
func pubsubEventually(seconds: Int = 30, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
