import LibP2PCore

/// A verified dial-back: the shell dials ``peer`` on ``addresses`` (in parallel or in order,
/// with a fresh connection, stopping at the first success or at ``deadline``), then writes
/// ``response(for:)`` and closes the stream.
public struct AutoNATDialBack: Sendable, Hashable {
    /// The requester, authenticated by the connection the request came on.
    public let peer: PeerID
    /// The addresses to dial, all based on the requester's observed IP (without `/p2p`).
    public let addresses: [Multiaddr]
    /// When the shell stops dialling and answers `E_DIAL_ERROR`.
    public let deadline: NATInstant

    /// A plan (``AutoNATServer`` makes them; tests and shells may too).
    ///
    /// - Parameters:
    ///   - peer: The requester.
    ///   - addresses: The addresses to dial.
    ///   - deadline: When dialling stops.
    public init(peer: PeerID, addresses: [Multiaddr], deadline: NATInstant) {
        self.peer = peer
        self.addresses = addresses
        self.deadline = deadline
    }

    /// What came of the dials.
    public enum Outcome: Sendable, Hashable {
        /// A connection to the requester was established on this address.
        case connected(Multiaddr)
        /// Every dial failed, or the deadline passed.
        case failed
        /// The server could not dial for its own reasons (shutting down, no transport, …).
        case internalError
    }

    /// The `DIAL_RESPONSE` for an outcome. A success on an address that was not in the plan
    /// is reported as an internal error: the shell must only dial the planned addresses.
    ///
    /// - Parameter outcome: What came of the dials.
    /// - Returns: The response to send.
    public func response(for outcome: Outcome) -> AutoNATDialResponse {
        switch outcome {
        case .connected(let address) where addresses.contains(address):
            .ok(address)
        case .connected:
            .failure(.internalError, "dialled an address outside the plan")
        case .failed:
            .failure(.dialError, "dial failed")
        case .internalError:
            .failure(.internalError, "internal error")
        }
    }
}
