import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

/// Encoding and checked decoding of the hop and stop messages. Inbound bytes become typed
/// values (``HopMessageIn``, ``StopMessageIn``) or a ``RelayWireError``, never a trap: these
/// are the fuzzing entry points.
public enum RelayWire {
    public static let hopProtocol = "/libp2p/circuit/relay/0.2.0/hop"
    public static let stopProtocol = "/libp2p/circuit/relay/0.2.0/stop"
    /// The largest message either side accepts (go-libp2p uses 4 KiB as well).
    public static let maxMessageSize = 4096
    /// Addresses kept from one peer entry or reservation; the rest are dropped.
    public static let maxAddresses = 16

    // MARK: Hop

    /// A decoded hop message, before anyone acted on it.
    public enum HopMessageIn: Sendable, Equatable {
        /// A client asks for a reservation.
        case reserve
        /// A client asks to be connected to `target`.
        case connect(target: PeerID)
        /// The relay's answer.
        case status(HopReply)
    }

    /// The relay's answer to a hop request.
    public struct HopReply: Sendable, Equatable {
        public var status: RelayStatus
        /// For a granted reservation.
        public var reservation: ReservationGrant?
        public var limit: CircuitLimit?

        public init(status: RelayStatus, reservation: ReservationGrant? = nil, limit: CircuitLimit? = nil) {
            self.status = status
            self.reservation = reservation
            self.limit = limit
        }
    }

    /// A reservation as the relay grants it.
    public struct ReservationGrant: Sendable, Equatable {
        /// Unix seconds at which it ends.
        public var expire: UInt64
        /// The relay's public addresses (each ending in `/p2p/<relay>`), unverified.
        public var addresses: [Multiaddr]
        /// The signed voucher envelope, as received.
        public var voucher: [UInt8]?

        public init(expire: UInt64, addresses: [Multiaddr], voucher: [UInt8]?) {
            self.expire = expire
            self.addresses = addresses
            self.voucher = voucher
        }
    }

    public static func encodeReserve() -> [UInt8] {
        var message = Libp2p_Circuit_HopMessage()
        message.type = .reserve
        return serialize(message)
    }

    public static func encodeConnect(to target: PeerID) -> [UInt8] {
        var message = Libp2p_Circuit_HopMessage()
        message.type = .connect
        message.peer = wirePeer(target, addresses: [])
        return serialize(message)
    }

    public static func encode(_ reply: HopReply) -> [UInt8] {
        var message = Libp2p_Circuit_HopMessage()
        message.type = .status
        message.status = Libp2p_Circuit_Status(rawValue: Int(reply.status.rawValue)) ?? .unused
        if let grant = reply.reservation {
            var reservation = Libp2p_Circuit_Reservation()
            reservation.expire = grant.expire
            reservation.addrs = grant.addresses.map { Data($0.bytes) }
            if let voucher = grant.voucher { reservation.voucher = Data(voucher) }
            message.reservation = reservation
        }
        if let limit = reply.limit { message.limit = wireLimit(limit) }
        return serialize(message)
    }

    public static func decodeHop(_ bytes: [UInt8]) throws(RelayWireError) -> HopMessageIn {
        guard bytes.count <= maxMessageSize else { throw .tooLarge(bytes.count) }
        let message: Libp2p_Circuit_HopMessage
        do { message = try Libp2p_Circuit_HopMessage(serializedBytes: bytes) } catch { throw .malformed("not a HopMessage") }
        guard message.hasType else { throw .malformed("no type") }
        switch message.type {
        case .reserve:
            return .reserve
        case .connect:
            guard message.hasPeer else { throw .malformed("CONNECT without a peer") }
            return .connect(target: try peerID(message.peer.id))
        case .status:
            guard message.hasStatus, let status = RelayStatus(rawValue: UInt32(message.status.rawValue)) else {
                throw .malformed("STATUS without a known status")
            }
            var reply = HopReply(status: status)
            if message.hasReservation {
                let reservation = message.reservation
                reply.reservation = ReservationGrant(
                    expire: reservation.expire, addresses: addresses(reservation.addrs),
                    voucher: reservation.hasVoucher ? Array(reservation.voucher) : nil)
            }
            if message.hasLimit { reply.limit = limit(message.limit) }
            return .status(reply)
        }
    }

    // MARK: Stop

    /// A decoded stop message.
    public enum StopMessageIn: Sendable, Equatable {
        /// The relay announces a circuit from `source`.
        case connect(source: PeerID, limit: CircuitLimit?)
        /// The target's answer.
        case status(RelayStatus)
    }

    public static func encodeStopConnect(from source: PeerID, limit: CircuitLimit?) -> [UInt8] {
        var message = Libp2p_Circuit_StopMessage()
        message.type = .connect
        message.peer = wirePeer(source, addresses: [])
        if let limit { message.limit = wireLimit(limit) }
        return serialize(message)
    }

    public static func encodeStopStatus(_ status: RelayStatus) -> [UInt8] {
        var message = Libp2p_Circuit_StopMessage()
        message.type = .status
        message.status = Libp2p_Circuit_Status(rawValue: Int(status.rawValue)) ?? .unused
        return serialize(message)
    }

    public static func decodeStop(_ bytes: [UInt8]) throws(RelayWireError) -> StopMessageIn {
        guard bytes.count <= maxMessageSize else { throw .tooLarge(bytes.count) }
        let message: Libp2p_Circuit_StopMessage
        do { message = try Libp2p_Circuit_StopMessage(serializedBytes: bytes) } catch { throw .malformed("not a StopMessage") }
        guard message.hasType else { throw .malformed("no type") }
        switch message.type {
        case .connect:
            guard message.hasPeer else { throw .malformed("CONNECT without a peer") }
            return .connect(source: try peerID(message.peer.id), limit: message.hasLimit ? limit(message.limit) : nil)
        case .status:
            guard message.hasStatus, let status = RelayStatus(rawValue: UInt32(message.status.rawValue)) else {
                throw .malformed("STATUS without a known status")
            }
            return .status(status)
        }
    }

    // MARK: Pieces

    private static func serialize(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        // Every required field is set by the encoders above.
        (try? message.serializedBytes()) ?? []
    }

    private static func wirePeer(_ peer: PeerID, addresses: [Multiaddr]) -> Libp2p_Circuit_Peer {
        var wire = Libp2p_Circuit_Peer()
        wire.id = Data(peer.bytes)
        wire.addrs = addresses.map { Data($0.bytes) }
        return wire
    }

    private static func wireLimit(_ limit: CircuitLimit) -> Libp2p_Circuit_Limit {
        var wire = Libp2p_Circuit_Limit()
        if let duration = limit.duration { wire.duration = UInt32(clamping: duration.components.seconds) }
        if let data = limit.data { wire.data = data }
        return wire
    }

    private static func limit(_ wire: Libp2p_Circuit_Limit) -> CircuitLimit {
        CircuitLimit(
            duration: wire.hasDuration ? .seconds(Int64(wire.duration)) : nil, data: wire.hasData ? wire.data : nil)
    }

    private static func peerID(_ bytes: Data) throws(RelayWireError) -> PeerID {
        do { return try PeerID(bytes: Array(bytes)) } catch { throw .malformed("invalid peer ID") }
    }

    /// Addresses that parse, at most ``maxAddresses``; others are dropped (peers may carry
    /// transports we do not know).
    private static func addresses(_ list: [Data]) -> [Multiaddr] {
        list.prefix(maxAddresses).compactMap { try? Multiaddr(bytes: $0) }
    }
}
