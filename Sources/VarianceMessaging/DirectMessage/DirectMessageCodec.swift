import VarianceIdentity
import VarianceOlm
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes and decodes the `/variance/dm/1.0.0` protobufs (`protos/variance/dm.proto`),
/// enforcing ``MessagingLimits`` both ways: a value that breaks a bound is refused when
/// encoded, so we never send what a peer would refuse.
public enum DirectMessageCodec {
    /// The `Content` format version this code writes and accepts.
    public static let contentVersion: UInt32 = 1
    /// The `Ack` format version this code writes and accepts.
    public static let ackVersion: UInt32 = 1

    // MARK: Content

    /// The encoded `Content` (the Olm plaintext).
    public static func encode(_ message: DirectMessage) throws(MessagingError) -> [UInt8] {
        try check(message)
        var p = Variance_Dm_V1_Content()
        p.version = contentVersion
        p.id = message.id
        p.sentAtMs = message.sentAtMs
        switch message.content {
        case .text(let body, let replyTo, let expiresIn):
            var t = Variance_Dm_V1_Text()
            t.body = body
            t.replyTo = replyTo ?? ""
            t.expireSeconds = expiresIn ?? 0
            p.body = .text(t)
        case .deliveryReceipt(let ids):
            var r = Variance_Dm_V1_DeliveryReceipt()
            r.ids = ids
            p.body = .deliveryReceipt(r)
        case .readReceipt(let upTo, let ids):
            var r = Variance_Dm_V1_ReadReceipt()
            r.upTo = upTo ?? ""
            r.ids = ids
            p.body = .readReceipt(r)
        case .typing(let active):
            var t = Variance_Dm_V1_Typing()
            t.active = active
            p.body = .typing(t)
        case .presence(let status, let lastSeen):
            var s = Variance_Dm_V1_Presence()
            s.status = .init(rawValue: status.rawValue) ?? .unspecified
            s.lastSeenMs = lastSeen ?? 0
            p.body = .presence(s)
        case .timer(let seconds):
            var t = Variance_Dm_V1_TimerSetting()
            t.seconds = seconds ?? 0
            p.body = .timer(t)
        case .groupWelcome(let welcome):
            var w = Variance_Dm_V1_GroupWelcome()
            w.groupID = Data(welcome.groupID)
            w.name = welcome.name
            w.welcome = Data(welcome.welcome)
            w.members = welcome.members.map(wire)
            p.body = .groupWelcome(w)
        case .memberInfo(let info):
            p.body = .memberInfo(wire(info))
        case .callSignal(let bytes):
            p.body = .callSignal(Data(bytes))
        }
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("content") }
        guard bytes.count <= MessagingLimits.maxContentBytes else { throw .tooLarge("content") }
        return bytes
    }

    /// Decodes an encoded `Content`.
    public static func decodeMessage(_ bytes: [UInt8]) throws(MessagingError) -> DirectMessage {
        guard bytes.count <= MessagingLimits.maxContentBytes else { throw .tooLarge("content") }
        guard let p = try? Variance_Dm_V1_Content(serializedBytes: bytes) else { throw .malformed("content") }
        guard p.version == contentVersion else { throw .unsupportedVersion(p.version) }
        let content: Content
        switch p.body {
        case .text(let t)?:
            content = .text(
                body: t.body, replyTo: t.replyTo.isEmpty ? nil : t.replyTo,
                expiresInSeconds: t.expireSeconds == 0 ? nil : t.expireSeconds)
        case .deliveryReceipt(let r)?:
            content = .deliveryReceipt(ids: r.ids)
        case .readReceipt(let r)?:
            content = .readReceipt(upTo: r.upTo.isEmpty ? nil : r.upTo, ids: r.ids)
        case .typing(let t)?:
            content = .typing(active: t.active)
        case .presence(let s)?:
            content = .presence(PresenceStatus(rawValue: s.status.rawValue) ?? .unspecified,
                                lastSeenMs: s.lastSeenMs == 0 ? nil : s.lastSeenMs)
        case .timer(let t)?:
            content = .timer(seconds: t.seconds == 0 ? nil : t.seconds)
        case .groupWelcome(let w)?:
            content = .groupWelcome(GroupWelcome(
                groupID: Array(w.groupID), name: w.name, welcome: Array(w.welcome), members: w.members.map(memberInfo)))
        case .memberInfo(let m)?:
            content = .memberInfo(memberInfo(m))
        case .callSignal(let bytes)?:
            content = .callSignal(Array(bytes))
        case nil:
            throw .malformed("unknown content kind")
        }
        let message = DirectMessage(id: p.id, sentAtMs: p.sentAtMs, content: content)
        try check(message)
        return message
    }

    /// Checks a message against ``MessagingLimits``.
    static func check(_ m: DirectMessage) throws(MessagingError) {
        try checkID(m.id)
        switch m.content {
        case .text(let body, let replyTo, let expiresIn):
            guard body.utf8.count <= MessagingLimits.maxTextBodyBytes else { throw .tooLarge("text body") }
            if let replyTo { try checkID(replyTo) }
            if let expiresIn { guard expiresIn <= MessagingLimits.maxTimerSeconds else { throw .tooLarge("expire seconds") } }
        case .timer(let seconds):
            if let seconds { guard seconds <= MessagingLimits.maxTimerSeconds else { throw .tooLarge("timer") } }
        case .deliveryReceipt(let ids):
            guard !ids.isEmpty else { throw .malformed("empty receipt") }
            guard ids.count <= MessagingLimits.maxReceiptIDs else { throw .tooLarge("receipt ids") }
            for id in ids { try checkID(id) }
        case .readReceipt(let upTo, let ids):
            guard upTo != nil || !ids.isEmpty else { throw .malformed("empty receipt") }
            guard ids.count <= MessagingLimits.maxReceiptIDs else { throw .tooLarge("receipt ids") }
            if let upTo { try checkID(upTo) }
            for id in ids { try checkID(id) }
        case .typing, .presence:
            break
        case .groupWelcome(let welcome):
            guard welcome.groupID.count == MessagingLimits.groupIDBytes else { throw .malformed("group id") }
            guard welcome.name.utf8.count <= MessagingLimits.maxGroupNameBytes else { throw .tooLarge("group name") }
            guard !welcome.welcome.isEmpty else { throw .malformed("empty welcome") }
            guard welcome.members.count <= MessagingLimits.maxGroupMembers else { throw .tooLarge("members") }
            for member in welcome.members { try check(member) }
        case .memberInfo(let info):
            try check(info)
        case .callSignal(let bytes):
            guard !bytes.isEmpty else { throw .malformed("empty call signal") }
            guard bytes.count <= MessagingLimits.maxCallSignalBytes else { throw .tooLarge("call signal") }
        }
    }

    static func check(_ info: MemberInfo) throws(MessagingError) {
        guard info.record.count <= MessagingLimits.maxIdentityRecordBytes else { throw .tooLarge("member record") }
        guard info.addresses.count <= MessagingLimits.maxMemberAddresses else { throw .tooLarge("member addresses") }
        guard info.addresses.allSatisfy({ $0.utf8.count <= MessagingLimits.maxAddressBytes }) else {
            throw .tooLarge("member address")
        }
    }

    static func wire(_ info: MemberInfo) -> Variance_Dm_V1_MemberInfo {
        var m = Variance_Dm_V1_MemberInfo()
        m.record = Data(info.record)
        m.addresses = info.addresses
        return m
    }

    static func memberInfo(_ m: Variance_Dm_V1_MemberInfo) -> MemberInfo {
        MemberInfo(record: Array(m.record), addresses: m.addresses)
    }

    /// A message id: 1...64 bytes of printable ASCII (a ULID is 26 Crockford base32 letters).
    static func checkID(_ id: String) throws(MessagingError) {
        let utf8 = id.utf8
        guard !utf8.isEmpty else { throw .malformed("empty message id") }
        guard utf8.count <= MessagingLimits.maxMessageIDBytes else { throw .tooLarge("message id") }
        guard utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .malformed("message id characters") }
    }

    // MARK: Envelope

    /// The encoded `Envelope`.
    public static func encode(_ envelope: Envelope) throws(MessagingError) -> [UInt8] {
        var p = Variance_Dm_V1_Envelope()
        p.version = Envelope.version
        p.senderDid = envelope.senderDID
        p.senderCurve25519Key = Data(envelope.senderKey.bytes)
        p.messageType = UInt32(envelope.message.messageType)
        p.ciphertext = Data(envelope.message.bytes)
        p.envelopeID = Data(envelope.envelopeID)
        p.recipientDid = envelope.recipientDID
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("envelope") }
        guard bytes.count <= MessagingLimits.maxEnvelopeBytes else { throw .tooLarge("envelope") }
        return bytes
    }

    /// Decodes an encoded `Envelope`: sizes, DIDs, key and Olm message structure are
    /// checked; nothing is decrypted or authenticated yet.
    public static func decodeEnvelope(_ bytes: [UInt8]) throws(MessagingError) -> Envelope {
        guard bytes.count <= MessagingLimits.maxEnvelopeBytes else { throw .tooLarge("envelope") }
        guard let p = try? Variance_Dm_V1_Envelope(serializedBytes: bytes) else { throw .malformed("envelope") }
        guard p.version == Envelope.version else { throw .unsupportedVersion(p.version) }
        for did in [p.senderDid, p.recipientDid] {
            guard did.utf8.count <= MessagingLimits.maxDIDBytes else { throw .tooLarge("did") }
            guard (try? DIDKey.publicKey(fromDID: did)) != nil else { throw .malformed("did") }
        }
        guard p.envelopeID.count == MessagingLimits.envelopeIDBytes else { throw .malformed("envelope id") }
        guard let key = try? Curve25519PublicKey(bytes: Array(p.senderCurve25519Key)) else {
            throw .malformed("sender key")
        }
        guard p.messageType <= 1 else { throw .malformed("olm message type") }
        let message: OlmMessage
        do {
            message = try OlmMessage(type: Int(p.messageType), bytes: Array(p.ciphertext))
        } catch {
            throw .olm(error)
        }
        return Envelope(senderDID: p.senderDid, senderKey: key, recipientDID: p.recipientDid, message: message,
                        envelopeID: Array(p.envelopeID))
    }

    // MARK: Ack

    /// The encoded `Ack`.
    public static func encode(_ ack: Ack) throws(MessagingError) -> [UInt8] {
        var p = Variance_Dm_V1_Ack()
        p.version = ackVersion
        p.envelopeIds = ack.envelopeIDs.map { Data($0) }
        p.error = ack.refusal.flatMap { .init(rawValue: $0.rawValue) } ?? .none
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("ack") }
        guard bytes.count <= MessagingLimits.maxControlMessageBytes else { throw .tooLarge("ack") }
        return bytes
    }

    /// Decodes an encoded `Ack`. An error code this version does not know reads as
    /// ``Ack/Refusal/malformed``.
    public static func decodeAck(_ bytes: [UInt8]) throws(MessagingError) -> Ack {
        guard bytes.count <= MessagingLimits.maxControlMessageBytes else { throw .tooLarge("ack") }
        guard let p = try? Variance_Dm_V1_Ack(serializedBytes: bytes) else { throw .malformed("ack") }
        guard p.version == ackVersion else { throw .unsupportedVersion(p.version) }
        guard p.envelopeIds.allSatisfy({ $0.count == MessagingLimits.envelopeIDBytes }) else {
            throw .malformed("envelope id")
        }
        let refusal: Ack.Refusal? = p.error == .none ? nil : (Ack.Refusal(rawValue: p.error.rawValue) ?? .malformed)
        return Ack(envelopeIDs: p.envelopeIds.map { Array($0) }, refusal: refusal)
    }
}
