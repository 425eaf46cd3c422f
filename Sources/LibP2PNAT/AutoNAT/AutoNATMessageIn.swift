import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

/// An AutoNAT message as received: a request (still unverified) or a response.
///
/// Built only by ``decode(_:)``, the fuzzing entry point of this protocol: any input gives a
/// message or a ``NATWireError``, never a trap.
public enum AutoNATMessageIn: Sendable, Hashable {
    /// A `DIAL` request.
    case dial(AutoNATDialRequestIn)
    /// A `DIAL_RESPONSE`.
    case dialResponse(AutoNATDialResponse)

    /// Decodes and checks one `Message` (without its length prefix).
    ///
    /// Refused: input over ``AutoNATProtocol/maxMessageSize``, broken protobuf, a missing or
    /// unknown `type`, a `DIAL` without `dial.peer` or with a `peer.id` that is not a peer ID,
    /// more than ``AutoNATProtocol/maxAddressesPerMessage`` addresses, a `DIAL_RESPONSE`
    /// without `dialResponse` or with a missing or unknown `status`, and a status text over
    /// ``AutoNATProtocol/maxStatusTextLength`` bytes. Tolerated: addresses that do not parse
    /// (dropped and counted; other implementations carry protocols we do not know), a response
    /// `addr` that does not parse (read as absent), fields of the other message type (ignored),
    /// unknown fields.
    ///
    /// - Parameter bytes: One encoded `Message`.
    /// - Returns: The decoded message.
    /// - Throws: ``NATWireError``.
    public static func decode(_ bytes: [UInt8]) throws(NATWireError) -> AutoNATMessageIn {
        guard bytes.count <= AutoNATProtocol.maxMessageSize else {
            throw .messageTooLarge(size: bytes.count, limit: AutoNATProtocol.maxMessageSize)
        }
        let wire: Autonat_Pb_Message
        do {
            wire = try Autonat_Pb_Message(serializedBytes: bytes)
        } catch {
            throw .malformed
        }
        // proto2 keeps an unknown enum number as an unknown field: `hasType` is then false.
        guard wire.hasType else { throw .unknownMessageType }
        switch wire.type {
        case .dial: return .dial(try dialRequest(wire))
        case .dialResponse: return .dialResponse(try dialResponse(wire))
        }
    }

    private static func dialRequest(_ wire: Autonat_Pb_Message) throws(NATWireError) -> AutoNATDialRequestIn {
        guard wire.hasDial, wire.dial.hasPeer else { throw .missingField("dial.peer") }
        let peer = wire.dial.peer
        guard peer.hasID else { throw .missingField("dial.peer.id") }
        guard let peerID = try? PeerID(bytes: Array(peer.id)) else { throw .invalidPeerID }
        guard peer.addrs.count <= AutoNATProtocol.maxAddressesPerMessage else {
            throw .tooManyAddresses(count: peer.addrs.count, limit: AutoNATProtocol.maxAddressesPerMessage)
        }
        var addresses: [Multiaddr] = []
        var unparsable = 0
        for raw in peer.addrs {
            if let address = try? Multiaddr(bytes: raw) { addresses.append(address) } else { unparsable += 1 }
        }
        return AutoNATDialRequestIn(claimedPeerID: peerID, addresses: addresses, unparsableAddressCount: unparsable)
    }

    private static func dialResponse(_ wire: Autonat_Pb_Message) throws(NATWireError) -> AutoNATDialResponse {
        guard wire.hasDialResponse else { throw .missingField("dialResponse") }
        let response = wire.dialResponse
        guard response.hasStatus, let status = AutoNATResponseStatus(rawValue: response.status.rawValue) else {
            throw .unknownStatus
        }
        let textLength = response.statusText.utf8.count
        guard textLength <= AutoNATProtocol.maxStatusTextLength else {
            throw .statusTextTooLong(length: textLength, limit: AutoNATProtocol.maxStatusTextLength)
        }
        let address = response.hasAddr ? try? Multiaddr(bytes: response.addr) : nil
        return AutoNATDialResponse(status: status, statusText: response.statusText, address: address)
    }
}
