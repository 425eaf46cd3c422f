import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

extension KadMessage {
    /// Decodes and checks one message (without its varint length prefix). This is also the
    /// fuzzing entry point: any input gives a message or a ``KadError``, never a trap.
    ///
    /// Refused: input over ``KadConfiguration/maxMessageSize``, broken protobuf, an unknown
    /// message type, a key or record value over its limit, more than
    /// ``KadConfiguration/maxPeersPerMessage`` closer or provider peers. Tolerated and
    /// dropped: peer entries whose ID is not a peer ID, addresses that do not parse (other
    /// implementations carry protocols we do not know), addresses past
    /// ``KadConfiguration/maxAddressesPerPeer``.
    ///
    /// - Parameters:
    ///   - bytes: One encoded `Message`.
    ///   - configuration: The limits.
    /// - Returns: The verified message.
    /// - Throws: ``KadError``.
    public static func decode(
        _ bytes: [UInt8], configuration: KadConfiguration = KadConfiguration()
    ) throws(KadError) -> KadMessage {
        guard bytes.count <= configuration.maxMessageSize else {
            throw .messageTooLarge(size: bytes.count, limit: configuration.maxMessageSize)
        }
        let wire: Libp2p_Kad_Message
        do {
            wire = try Libp2p_Kad_Message(serializedBytes: bytes)
        } catch {
            throw .malformed
        }
        return try KadMessage(wire: wire, configuration: configuration)
    }

    /// Checks a decoded protobuf message (see ``decode(_:configuration:)``).
    ///
    /// - Parameters:
    ///   - wire: The unverified protobuf message.
    ///   - configuration: The limits.
    /// - Throws: ``KadError``.
    public init(wire: Libp2p_Kad_Message, configuration: KadConfiguration = KadConfiguration()) throws(KadError) {
        guard let type = MessageType(rawValue: wire.type.rawValue) else {
            throw .unknownMessageType(wire.type.rawValue)
        }
        guard wire.key.count <= configuration.maxKeySize else { throw .invalidKey }
        for list in [wire.closerPeers, wire.providerPeers] where list.count > configuration.maxPeersPerMessage {
            throw .tooManyPeers(count: list.count, limit: configuration.maxPeersPerMessage)
        }
        var record: KadRecord?
        if wire.hasRecord {
            guard wire.record.key.count <= configuration.maxKeySize else { throw .invalidKey }
            guard wire.record.value.count <= configuration.maxRecordValueSize else {
                throw .recordTooLarge(size: wire.record.value.count, limit: configuration.maxRecordValueSize)
            }
            record = KadRecord(
                key: Array(wire.record.key), value: Array(wire.record.value), timeReceived: wire.record.timeReceived
            )
        }
        self.init(
            type: type,
            key: Array(wire.key),
            record: record,
            closerPeers: wire.closerPeers.compactMap { KadPeer(wire: $0, configuration: configuration) },
            providerPeers: wire.providerPeers.compactMap { KadPeer(wire: $0, configuration: configuration) },
            clusterLevelRaw: wire.clusterLevelRaw
        )
    }

    /// The protobuf form.
    public var wire: Libp2p_Kad_Message {
        var message = Libp2p_Kad_Message()
        message.type = Libp2p_Kad_Message.MessageType(rawValue: type.rawValue) ?? .ping
        message.key = Data(key)
        message.clusterLevelRaw = clusterLevelRaw
        if let record {
            var wireRecord = Libp2p_Kad_Record()
            wireRecord.key = Data(record.key)
            wireRecord.value = Data(record.value)
            wireRecord.timeReceived = record.timeReceived
            message.record = wireRecord
        }
        message.closerPeers = closerPeers.map(\.wire)
        message.providerPeers = providerPeers.map(\.wire)
        return message
    }

    /// The encoded message, without a length prefix.
    public func serializedBytes() -> [UInt8] {
        // Encoding a message with only set fields of known types cannot fail.
        (try? wire.serializedBytes()) ?? []
    }

    /// The encoded message with its unsigned-varint length prefix, as written on a stream.
    public func framedBytes() -> [UInt8] {
        let body = serializedBytes()
        var framed = Varint.encode(UInt64(body.count))
        framed.append(contentsOf: body)
        return framed
    }
}

extension KadPeer {
    /// A checked peer entry, or nil when its ID is not a peer ID. Addresses that do not
    /// parse are dropped, and so are addresses past the per-peer limit.
    ///
    /// - Parameters:
    ///   - wire: The unverified protobuf entry.
    ///   - configuration: The limits.
    public init?(wire: Libp2p_Kad_Message.Peer, configuration: KadConfiguration = KadConfiguration()) {
        guard let id = try? PeerID(bytes: Array(wire.id)) else { return nil }
        var addresses: [Multiaddr] = []
        for raw in wire.addrs where addresses.count < configuration.maxAddressesPerPeer {
            if let address = try? Multiaddr(bytes: raw) { addresses.append(address) }
        }
        self.init(id: id, addresses: addresses, connection: Connection(rawValue: wire.connection.rawValue) ?? .notConnected)
    }

    /// The protobuf form.
    public var wire: Libp2p_Kad_Message.Peer {
        var peer = Libp2p_Kad_Message.Peer()
        peer.id = Data(id.bytes)
        peer.addrs = addresses.map { Data($0.bytes) }
        peer.connection = Libp2p_Kad_Message.ConnectionType(rawValue: connection.rawValue) ?? .notConnected
        return peer
    }
}
