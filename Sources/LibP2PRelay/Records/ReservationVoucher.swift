import Crypto
import Foundation
import LibP2PCore
import LibP2PProtos

/// The relay's signed promise that `peer` holds a reservation until `expiration`: a
/// `ReservationVoucher` in a signed envelope (domain `libp2p-relay-rsvp`, payload type
/// multicodec 0x0302).
public struct ReservationVoucher: Sendable, Equatable {
    public static let domain = "libp2p-relay-rsvp"
    /// Multicodec 0x0302 as its two big-endian bytes, which is what go-libp2p and
    /// py-libp2p put there (not the uvarint `82 06`: py-libp2p refused that, found by the
    /// interop test).
    public static let payloadType: [UInt8] = [0x03, 0x02]

    public var relay: PeerID
    public var peer: PeerID
    /// Unix seconds.
    public var expiration: UInt64

    public init(relay: PeerID, peer: PeerID, expiration: UInt64) {
        self.relay = relay
        self.peer = peer
        self.expiration = expiration
    }

    /// The envelope bytes, signed by the relay's key.
    public func sealed(by key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        var wire = Libp2p_Circuit_ReservationVoucher()
        wire.relay = Data(relay.bytes)
        wire.peer = Data(peer.bytes)
        wire.expiration = expiration
        return try SignedEnvelope.seal(
            payload: try wire.serializedBytes(), payloadType: Self.payloadType, domain: Self.domain, key: key)
    }

    /// Opens and checks a voucher: signed by the relay it names.
    public static func open(_ bytes: [UInt8]) throws(SignedEnvelope.OpenError) -> ReservationVoucher {
        let envelope = try SignedEnvelope.open(bytes, domain: domain, payloadType: payloadType)
        guard let wire = try? Libp2p_Circuit_ReservationVoucher(serializedBytes: envelope.payload),
            let relay = try? PeerID(bytes: Array(wire.relay)), let peer = try? PeerID(bytes: Array(wire.peer))
        else { throw .malformed }
        guard relay == envelope.signer else { throw .badSignature }
        return ReservationVoucher(relay: relay, peer: peer, expiration: wire.expiration)
    }
}
