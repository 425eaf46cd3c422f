import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension OfflineCodec {
    /// Decodes what a client wrote.
    ///
    /// - Throws: ``OfflineError/tooLarge(_:)`` over ``OfflineLimits/maxMessageBytes``,
    ///   ``OfflineError/unsupportedVersion(_:)``, ``OfflineError/malformed(_:)`` for bytes
    ///   that do not decode, a missing version (0), an empty body, or fields of the wrong shape (a deposit's fields
    ///   are left to ``DepositIn/check(_:)``).
    package static func decodeClientMessage(_ bytes: [UInt8], limits: OfflineLimits) throws(OfflineError) -> ClientMessageIn {
        guard bytes.count <= limits.maxMessageBytes else { throw .tooLarge("message") }
        guard let m = try? Variance_Offline_ClientMessage(serializedBytes: bytes) else { throw .malformed("client message") }
        guard m.version != 0 else { throw .malformed("missing version") }
        guard m.version == OfflineProtocol.version else { throw .unsupportedVersion(m.version) }
        switch m.body {
        case .deposit(let d)?:
            return .deposit(DepositIn(recipientKey: Array(d.recipientKey), envelopeID: Array(d.envelopeID), payload: Array(d.payload)))
        case .fetch(let f)?:
            let recipient = try RecipientKey(Array(f.recipientKey))
            return .fetch(
                recipient: recipient,
                maxEnvelopes: f.maxEnvelopes == 0 ? nil : Int(f.maxEnvelopes),
                maxBytes: f.maxBytes == 0 ? nil : Int(f.maxBytes))
        case .proof(let p)?:
            guard p.signature.count == OfflineProtocol.signatureBytes else { throw .malformed("signature length") }
            return .proof(signature: Array(p.signature))
        case .ack(let a)?:
            guard a.envelopeIds.count <= limits.batchMaxEnvelopes else { throw .tooLarge("ack") }
            var ids: [EnvelopeID] = []
            ids.reserveCapacity(a.envelopeIds.count)
            for raw in a.envelopeIds { ids.append(try EnvelopeID(Array(raw))) }
            return .ack(ids)
        case nil:
            throw .malformed("empty client message")
        }
    }

    /// Decodes what a relay wrote, checking batches against the bounds the client asked
    /// for (`limits.batchMaxEnvelopes`, `limits.batchMaxBytes`; one envelope of up to
    /// `limits.maxPayloadBytes` always fits).
    ///
    /// - Throws: ``OfflineError/tooLarge(_:)``, ``OfflineError/unsupportedVersion(_:)``,
    ///   ``OfflineError/malformed(_:)`` (including a status of 0 or unknown, a nonce that is
    ///   not 32 bytes, a batch with a bad id, an empty payload or a repeated id).
    package static func decodeServerMessage(_ bytes: [UInt8], limits: OfflineLimits) throws(OfflineError) -> ServerMessageIn {
        guard bytes.count <= limits.maxMessageBytes else { throw .tooLarge("message") }
        guard let m = try? Variance_Offline_ServerMessage(serializedBytes: bytes) else { throw .malformed("server message") }
        guard m.version != 0 else { throw .malformed("missing version") }
        guard m.version == OfflineProtocol.version else { throw .unsupportedVersion(m.version) }
        switch m.body {
        case .depositResult(let r)?:
            guard let status = OfflineStatus(wire: r.status) else { throw .malformed("status") }
            guard r.envelopeID.isEmpty || r.envelopeID.count == OfflineProtocol.envelopeIDBytes else {
                throw .malformed("envelope id length")
            }
            return .depositResult(envelopeID: Array(r.envelopeID), status: status, retryAfterSeconds: r.retryAfterSeconds)
        case .challenge(let c)?:
            guard c.nonce.count == OfflineProtocol.nonceBytes else { throw .malformed("nonce length") }
            return .challenge(nonce: Array(c.nonce))
        case .batch(let b)?:
            return .batch(try decodeBatch(b, limits: limits))
        case .failure(let f)?:
            guard let status = OfflineStatus(wire: f.status), status != .ok else { throw .malformed("status") }
            return .failure(status, retryAfterSeconds: f.retryAfterSeconds)
        case nil:
            throw .malformed("empty server message")
        }
    }

    private static func decodeBatch(_ b: Variance_Offline_Batch, limits: OfflineLimits) throws(OfflineError) -> [FetchedEnvelope] {
        guard b.items.count <= limits.batchMaxEnvelopes else { throw .tooLarge("batch envelopes") }
        var envelopes: [FetchedEnvelope] = []
        envelopes.reserveCapacity(b.items.count)
        var seen = Set<EnvelopeID>()
        var bytes = 0
        for item in b.items {
            let id = try EnvelopeID(Array(item.envelopeID))
            guard seen.insert(id).inserted else { throw .malformed("repeated envelope id in batch") }
            guard !item.payload.isEmpty else { throw .malformed("empty payload") }
            guard item.payload.count <= limits.maxPayloadBytes else { throw .tooLarge("payload") }
            bytes += item.payload.count
            envelopes.append(FetchedEnvelope(id: id, payload: Array(item.payload), depositedAt: item.depositedAt))
        }
        guard envelopes.count <= 1 || bytes <= limits.batchMaxBytes else { throw .tooLarge("batch bytes") }
        return envelopes
    }
}
