/// A client message as the relay decoded it: framing and field shapes checked, a deposit's
/// contents not yet (so it can be answered with the right status; see ``DepositIn``).
package enum ClientMessageIn: Sendable, Equatable {
    /// One deposit, unchecked.
    case deposit(DepositIn)
    /// "I want my mailbox", with the client's batch bounds (nil: the relay's).
    case fetch(recipient: RecipientKey, maxEnvelopes: Int?, maxBytes: Int?)
    /// The challenge answer: a 64-byte signature.
    case proof(signature: [UInt8])
    /// Ids the client has persisted (each 16 bytes; at most a batch's worth).
    case ack([EnvelopeID])
}

/// A deposit straight off the wire: any lengths, checked by ``check(_:)``.
package struct DepositIn: Sendable, Equatable {
    /// The claimed mailbox key.
    package var recipientKey: [UInt8]
    /// The claimed envelope id.
    package var envelopeID: [UInt8]
    /// The payload.
    package var payload: [UInt8]

    /// The outcome of ``check(_:)``.
    package enum Checked: Sendable, Equatable {
        /// A well-formed envelope within the per-envelope limit.
        case valid(OfflineEnvelope)
        /// Refused with this status (`.malformed` or `.tooLarge`) before any quota.
        case invalid(OfflineStatus)
    }

    /// Checks lengths: a 32-byte key, a 16-byte id, a payload of 1 byte to the limit.
    package func check(_ limits: OfflineLimits) -> Checked {
        guard let recipient = try? RecipientKey(recipientKey), let id = try? EnvelopeID(envelopeID) else {
            return .invalid(.malformed)
        }
        let envelope = OfflineEnvelope(recipient: recipient, id: id, payload: payload)
        let status = envelope.check(limits)
        return status == .ok ? .valid(envelope) : .invalid(status)
    }
}
