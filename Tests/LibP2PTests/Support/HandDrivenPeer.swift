import Crypto
import LibP2PCore
import LibP2PNoise
import LibP2PYamux

/// A libp2p dialer driven by hand from our pure cores (multistream-select, Noise, yamux)
/// over a ``RawConnection``, so that a test can complete a real handshake with a swarm and
/// then break the rules on purpose.
struct HandDrivenPeer {
    let raw: RawConnection
    var transport: NoiseTransport
    /// Our side of yamux; frames sent around it (``send(plaintext:)``) bypass its checks.
    var session: YamuxSession
    /// Every yamux event seen so far.
    var events: [YamuxEvent] = []

    enum Failure: Error {
        case closed
        case notAgreed
    }

    /// How long each handshake step may wait for the swarm's answer. Generous (the
    /// ``RawConnection`` default is 5 s): under ThreadSanitizer, beside the other suites on two
    /// cores, a Noise step took longer once and the test failed with `closed`.
    static let handshakeWait: Duration = .seconds(60)

    /// Negotiates `protocolID` in the clear on `raw`; returns the bytes after the agreement.
    static func negotiate(_ protocolID: String, on raw: RawConnection) async throws -> [UInt8] {
        var dialer = MultistreamDialer(protocols: [protocolID])
        await raw.send(dialer.start())
        while true {
            guard let bytes = await raw.receive(within: handshakeWait) else { throw Failure.closed }
            switch try dialer.receive(bytes) {
            case .needMore(let send): if !send.isEmpty { await raw.send(send) }
            case .agreed(_, _, let remainder): return remainder
            case .failed: throw Failure.notAgreed
            }
        }
    }

    /// Connects to a swarm and upgrades the connection exactly as a swarm would: `/noise`,
    /// Noise XX with `peer` expected, then `/yamux/1.0.0` inside Noise.
    static func connect(
        to address: Multiaddr, peer: PeerID, yamux: YamuxConfiguration = YamuxConfiguration(), receiveBuffer: Int? = nil
    ) async throws -> HandDrivenPeer {
        let raw = try await RawConnection.connect(to: address, receiveBuffer: receiveBuffer)
        var input = try await negotiate("/noise", on: raw)
        var noise = NoiseHandshake(role: .initiator, identity: Curve25519.Signing.PrivateKey(), expectedRemotePeer: peer)
        await raw.send(try noise.start())
        var transport: NoiseTransport
        handshake: while true {
            if input.isEmpty {
                guard let bytes = await raw.receive(within: handshakeWait) else { throw Failure.closed }
                input = bytes
            }
            let step = try noise.receive(input)
            input = []
            switch step {
            case .needMore(let send):
                if !send.isEmpty { await raw.send(send) }
            case .complete(let send, let session, _, let remainder):
                await raw.send(send)
                transport = session
                input = remainder
                break handshake
            }
        }
        var dialer = MultistreamDialer(protocols: ["/yamux/1.0.0"])
        await raw.send(try transport.encrypt(dialer.start()))
        var plaintext = input.isEmpty ? [] : try transport.decrypt(input)
        while true {
            if plaintext.isEmpty {
                guard let bytes = await raw.receive(within: handshakeWait) else { throw Failure.closed }
                plaintext = try transport.decrypt(bytes)
                if plaintext.isEmpty { continue }
            }
            switch try dialer.receive(plaintext) {
            case .needMore:
                plaintext = []
            case .agreed(_, _, let remainder):
                var peer = HandDrivenPeer(raw: raw, transport: transport, session: YamuxSession(role: .client, configuration: yamux))
                peer.events += peer.session.receive(remainder)
                return peer
            case .failed:
                throw Failure.notAgreed
            }
        }
    }

    /// Encrypts and sends `plaintext`: yamux frames, well-formed or not.
    mutating func send(plaintext: [UInt8]) async throws {
        await raw.send(try transport.encrypt(plaintext))
    }

    /// Sends what the session has queued (SYNs, data, window updates).
    mutating func flush() async throws {
        let output = session.takeOutput()
        if !output.isEmpty { try await send(plaintext: output) }
    }

    /// Reads, decrypts and feeds the session until `done` holds for the events seen so far,
    /// the connection closes, or `timeout` passes. Returns whether `done` held. The timeout is
    /// generous (a swarm under ThreadSanitizer on a loaded machine took over 5 s to send four
    /// resets): a test that passes returns as soon as `done` holds or the connection closes.
    mutating func receive(
        within timeout: Duration = .seconds(30), until done: ([YamuxEvent]) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !done(events), ContinuousClock.now < deadline {
            guard let bytes = await raw.receive(within: deadline - ContinuousClock.now) else { break }
            guard let plaintext = try? transport.decrypt(bytes) else { break }
            events += session.receive(plaintext)
        }
        return done(events)
    }

    /// Whether the swarm said GoAway because we broke the protocol.
    var sawProtocolErrorGoAway: Bool { events.contains(.goAwayReceived(.protocolError)) }
}
