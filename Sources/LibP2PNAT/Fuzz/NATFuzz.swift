import LibP2PCore

/// Fuzzing entry points for every message this module reads from the network. Malformed
/// input must only produce errors or refusals; a trap is a bug. Whatever decodes must encode
/// and decode again to the same value (a broken round trip traps on purpose).
public enum NATFuzz {
    private static let requester = PeerID(ed25519PublicKey: Array(repeating: 7, count: 32))
    private static let connection = try! Multiaddr("/ip4/127.0.0.1/tcp/4001")
    private static let local = [try! Multiaddr("/ip4/127.0.0.1/tcp/4002")]

    /// Runs `bytes` through every decoder and the machines that read them: as an AutoNAT
    /// message (decoded, re-encoded, and answered by a loopback-allowing server), as a DCUtR
    /// message (decoded and re-encoded), and as stream input to both DCUtR roles.
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func run(_ bytes: [UInt8]) {
        if let message = try? AutoNATMessageIn.decode(bytes) {
            checkRoundTrip(message)
        }
        var configuration = AutoNATServerConfiguration()
        configuration.addressPolicy = .includingLoopback
        var server = AutoNATServer(configuration: configuration)
        if case .dialBack(let plan) = server.handle(
            requestBytes: bytes, from: requester, connectionAddress: connection, now: .zero
        ) {
            precondition(!plan.addresses.isEmpty && plan.addresses.allSatisfy { $0.leadingIP == [127, 0, 0, 1] })
        }

        if let message = try? HolePunchMessage.decode(bytes) {
            let again = try? HolePunchMessage.decode(message.serializedBytes())
            precondition(again?.kind == message.kind && again?.addresses == message.addresses, "HolePunch round trip")
        }
        var holePunch = HolePunchConfiguration()
        holePunch.addressPolicy = .includingLoopback
        var responder = HolePunchResponder(localAddresses: local, configuration: holePunch)
        _ = responder.start(now: .zero)
        _ = responder.receive(bytes, now: .zero)
        var initiator = HolePunchInitiator(localAddresses: local, configuration: holePunch)
        _ = initiator.start(now: .zero)
        _ = initiator.streamOpened(now: .zero)
        _ = initiator.receive(bytes, now: NATInstant(milliseconds: 40))
    }

    private static func checkRoundTrip(_ message: AutoNATMessageIn) {
        switch message {
        case .dial(let request):
            let outgoing = AutoNATDialRequest(peerID: request.claimedPeerID, addresses: request.addresses)
            let again = try? AutoNATMessageIn.decode(outgoing.serializedBytes())
            let expected = AutoNATDialRequestIn(claimedPeerID: request.claimedPeerID, addresses: request.addresses)
            precondition(again == .dial(expected), "DIAL round trip")
        case .dialResponse(let response):
            let again = try? AutoNATMessageIn.decode(response.serializedBytes())
            precondition(again == .dialResponse(response), "DIAL_RESPONSE round trip")
        }
    }
}
