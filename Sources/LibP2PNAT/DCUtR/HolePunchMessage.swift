import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

/// A `HolePunch` message: `CONNECT` with the sender's observed addresses, or `SYNC`.
///
/// Decoded messages carry only usable addresses: entries that do not parse, are longer than
/// ``HolePunchProtocol/maxAddressSize``, are relayed (`/p2p-circuit`), or come past
/// ``HolePunchProtocol/maxAddresses`` are dropped and counted in ``droppedAddressCount``.
public struct HolePunchMessage: Sendable, Hashable {
    /// The specification's `Type`.
    public enum Kind: Int, Sendable, Hashable, CaseIterable {
        /// Addresses exchange; the initiator measures the RTT between its `CONNECT` and the
        /// answer.
        case connect = 100
        /// The initiator's signal to dial: the responder dials when it arrives.
        case sync = 300
    }

    /// The message type.
    public var kind: Kind
    /// The sender's observed (and possibly predicted) addresses.
    public var addresses: [Multiaddr]
    /// Entries dropped while decoding (0 for messages built locally).
    public var droppedAddressCount: Int

    /// A message.
    ///
    /// - Parameters:
    ///   - kind: The type.
    ///   - addresses: The addresses (for `CONNECT`).
    ///   - droppedAddressCount: Entries dropped while decoding.
    public init(kind: Kind, addresses: [Multiaddr] = [], droppedAddressCount: Int = 0) {
        self.kind = kind
        self.addresses = addresses
        self.droppedAddressCount = droppedAddressCount
    }

    /// A `CONNECT` with these addresses.
    public static func connect(_ addresses: [Multiaddr]) -> HolePunchMessage {
        HolePunchMessage(kind: .connect, addresses: addresses)
    }

    /// A `SYNC`.
    public static let sync = HolePunchMessage(kind: .sync)

    /// Decodes and checks one `HolePunch` (without its length prefix). Any input gives a
    /// message or a ``NATWireError``, never a trap.
    ///
    /// Refused: input over ``HolePunchProtocol/maxMessageSize``, broken protobuf, a missing or
    /// unknown `type` (it is `required`), more than ``HolePunchProtocol/maxAddressEntries``
    /// `ObsAddrs` entries.
    ///
    /// - Parameter bytes: One encoded message.
    /// - Throws: ``NATWireError``.
    public static func decode(_ bytes: [UInt8]) throws(NATWireError) -> HolePunchMessage {
        guard bytes.count <= HolePunchProtocol.maxMessageSize else {
            throw .messageTooLarge(size: bytes.count, limit: HolePunchProtocol.maxMessageSize)
        }
        let wire: Holepunch_Pb_HolePunch
        do {
            // Partial decoding so that a missing `type` is reported as such, not as malformed.
            wire = try Holepunch_Pb_HolePunch(serializedBytes: bytes, partial: true)
        } catch {
            throw .malformed
        }
        guard wire.hasType, let kind = Kind(rawValue: wire.type.rawValue) else { throw .unknownMessageType }
        guard wire.obsAddrs.count <= HolePunchProtocol.maxAddressEntries else {
            throw .tooManyAddresses(count: wire.obsAddrs.count, limit: HolePunchProtocol.maxAddressEntries)
        }
        var addresses: [Multiaddr] = []
        for raw in wire.obsAddrs where raw.count <= HolePunchProtocol.maxAddressSize {
            guard addresses.count < HolePunchProtocol.maxAddresses,
                  let address = try? Multiaddr(bytes: raw), !address.isRelayed, !addresses.contains(address)
            else { continue }
            addresses.append(address)
        }
        return HolePunchMessage(kind: kind, addresses: addresses, droppedAddressCount: wire.obsAddrs.count - addresses.count)
    }

    /// The protobuf form.
    public var wire: Holepunch_Pb_HolePunch {
        var message = Holepunch_Pb_HolePunch()
        message.type = kind == .connect ? .connect : .sync
        message.obsAddrs = addresses.map { Data($0.bytes) }
        return message
    }

    /// The encoded message, without a length prefix.
    public func serializedBytes() -> [UInt8] {
        // `type` is always set: encoding cannot fail.
        (try? wire.serializedBytes()) ?? []
    }

    /// The encoded message with its unsigned-varint length prefix, as written on a stream.
    public func framedBytes() -> [UInt8] {
        MessageFraming.frame(serializedBytes())
    }
}
