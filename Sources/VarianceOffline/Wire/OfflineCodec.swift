import SwiftProtobuf
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes and decodes the `/variance/offline/1.0.0` protobufs (`protos/variance/offline.proto`).
///
/// Decoders check the message length first, then the version, then every field against
/// ``OfflineLimits``; what they return is safe to act on. Encoders write version 1.
package enum OfflineCodec {
    /// Serializes a message; generated messages with bytes and integers always serialize.
    static func serialize(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        // Serialization only fails for unset required fields (proto2) or invalid UTF-8 in
        // strings; offline.proto has neither.
        (try? message.serializedBytes()) ?? []
    }

    // MARK: Client → relay

    /// A `ClientMessage` carrying one deposit.
    package static func encodeDeposit(_ envelope: OfflineEnvelope) -> [UInt8] {
        var d = Variance_Offline_Deposit()
        d.recipientKey = Data(envelope.recipient.bytes)
        d.envelopeID = Data(envelope.id.bytes)
        d.payload = Data(envelope.payload)
        return client(.deposit(d))
    }

    /// A `ClientMessage` asking for `recipient`'s mailbox in batches of at most
    /// `maxEnvelopes` envelopes and `maxBytes` payload bytes.
    package static func encodeFetch(recipient: RecipientKey, maxEnvelopes: Int, maxBytes: Int) -> [UInt8] {
        var f = Variance_Offline_Fetch()
        f.recipientKey = Data(recipient.bytes)
        f.maxEnvelopes = UInt32(clamping: maxEnvelopes)
        f.maxBytes = UInt32(clamping: maxBytes)
        return client(.fetch(f))
    }

    /// A `ClientMessage` answering a challenge.
    package static func encodeProof(signature: [UInt8]) -> [UInt8] {
        var p = Variance_Offline_Proof()
        p.signature = Data(signature)
        return client(.proof(p))
    }

    /// A `ClientMessage` acknowledging `ids`.
    package static func encodeAck(_ ids: [EnvelopeID]) -> [UInt8] {
        var a = Variance_Offline_Ack()
        a.envelopeIds = ids.map { Data($0.bytes) }
        return client(.ack(a))
    }

    private static func client(_ body: Variance_Offline_ClientMessage.OneOf_Body) -> [UInt8] {
        var m = Variance_Offline_ClientMessage()
        m.version = OfflineProtocol.version
        m.body = body
        return serialize(m)
    }

    // MARK: Relay → client

    /// A `ServerMessage` answering one deposit.
    package static func encodeDepositResult(envelopeID: [UInt8], status: OfflineStatus, retryAfterSeconds: UInt32) -> [UInt8] {
        var r = Variance_Offline_DepositResult()
        r.envelopeID = Data(envelopeID)
        r.status = status.wire
        r.retryAfterSeconds = retryAfterSeconds
        return server(.depositResult(r))
    }

    /// A `ServerMessage` carrying a challenge nonce.
    package static func encodeChallenge(nonce: [UInt8]) -> [UInt8] {
        var c = Variance_Offline_Challenge()
        c.nonce = Data(nonce)
        return server(.challenge(c))
    }

    /// A `ServerMessage` carrying a batch of stored envelopes (empty: the end).
    package static func encodeBatch(_ envelopes: [StoredEnvelope]) -> [UInt8] {
        var b = Variance_Offline_Batch()
        b.items = envelopes.map { e in
            var item = Variance_Offline_Item()
            item.envelopeID = Data(e.id.bytes)
            item.payload = Data(e.payload)
            item.depositedAt = UInt64(clamping: e.depositedAt)
            return item
        }
        return server(.batch(b))
    }

    /// A `ServerMessage` refusing the stream.
    package static func encodeFailure(_ status: OfflineStatus, retryAfterSeconds: UInt32) -> [UInt8] {
        var f = Variance_Offline_Failure()
        f.status = status.wire
        f.retryAfterSeconds = retryAfterSeconds
        return server(.failure(f))
    }

    private static func server(_ body: Variance_Offline_ServerMessage.OneOf_Body) -> [UInt8] {
        var m = Variance_Offline_ServerMessage()
        m.version = OfflineProtocol.version
        m.body = body
        return serialize(m)
    }
}
