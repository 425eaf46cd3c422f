import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

extension AutoNATDialRequest {
    /// The protobuf form: `type = DIAL`, `dial.peer = {id, addrs}`.
    public var wire: Autonat_Pb_Message {
        var message = Autonat_Pb_Message()
        message.type = .dial
        message.dial.peer.id = Data(peerID.bytes)
        message.dial.peer.addrs = addresses.map { Data($0.bytes) }
        return message
    }

    /// The encoded message, without a length prefix.
    public func serializedBytes() -> [UInt8] {
        // Every field is set and of a known type: encoding cannot fail.
        (try? wire.serializedBytes()) ?? []
    }

    /// The encoded message with its unsigned-varint length prefix, as written on a stream.
    public func framedBytes() -> [UInt8] {
        MessageFraming.frame(serializedBytes())
    }
}

extension AutoNATDialResponse {
    /// The protobuf form: `type = DIAL_RESPONSE`, `dialResponse = {status, statusText, addr}`
    /// (the text only when not empty, truncated to ``AutoNATProtocol/maxStatusTextLength``
    /// bytes on a character boundary; the address only when present).
    public var wire: Autonat_Pb_Message {
        var message = Autonat_Pb_Message()
        message.type = .dialResponse
        var response = Autonat_Pb_Message.DialResponse()
        response.status = Autonat_Pb_Message.ResponseStatus(rawValue: status.rawValue) ?? .eInternalError
        if !statusText.isEmpty {
            var text = ""
            for character in statusText {
                guard text.utf8.count + character.utf8.count <= AutoNATProtocol.maxStatusTextLength else { break }
                text.append(character)
            }
            response.statusText = text
        }
        if let address { response.addr = Data(address.bytes) }
        message.dialResponse = response
        return message
    }

    /// The encoded message, without a length prefix.
    public func serializedBytes() -> [UInt8] {
        (try? wire.serializedBytes()) ?? []
    }

    /// The encoded message with its unsigned-varint length prefix, as written on a stream.
    public func framedBytes() -> [UInt8] {
        MessageFraming.frame(serializedBytes())
    }
}
