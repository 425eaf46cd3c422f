import Crypto

/// The relay's side of one `/variance/offline/1.0.0` stream: message bodies in, actions out.
/// No sockets, clock or database: the shell (``OfflineServer``) runs the actions.
///
/// ```
///  ┌──────┐  Deposit   ┌────────────┐  Deposit ▸ store ▸ DepositResult; anything
///  │ idle │───────────▶│ depositing │◀─┐  else ▸ DepositResult MALFORMED; after
///  └──────┘            └────────────┘──┘  maxDepositsPerStream answers ▸ close
///     │ Fetch ▸ Challenge
///     ▼
///  ┌────────────┐  Proof ✓ ▸ load ▸ Batch  ┌──────────────┐  Ack ▸ delete,
///  │ challenged │─────────────────────────▶│ awaiting ack │◀─┐  load ▸ Batch
///  └────────────┘                          └──────────────┘──┘
///     │ Proof ✗ ▸ Failure AUTH_FAILED              │ load found nothing ▸ empty Batch
///     ▼                                            ▼
///  ┌────────┐◀─────────────────────────────────────┘
///  │ closed │◀── out of turn, or undecodable outside a deposit stream ▸ Failure MALFORMED
///  └────────┘
/// ```
///
/// A fetch moves a cursor along the mailbox (deposit order), so an envelope the client does
/// not acknowledge is not sent again on this stream; it stays stored for the next fetch.
package struct OfflineServerSession: Sendable {
    private enum State: Sendable {
        case idle
        case depositing(answered: Int)
        case storing(id: [UInt8], answered: Int)
        case challenged(PageRequest)
        case loading(PageRequest)
        case awaitingAck(PageRequest, sent: Set<EnvelopeID>)
        case closed
    }

    private var state = State.idle
    private let limits: OfflineLimits
    private let serverIdentity: [UInt8]
    private let nonce: [UInt8]

    /// A session at the start of a stream.
    ///
    /// - Parameters:
    ///   - limits: The relay's bounds.
    ///   - serverIdentity: The relay's identity bytes, signed into the fetch transcript.
    ///   - nonce: 32 fresh random bytes: this stream's challenge, should it fetch.
    package init(limits: OfflineLimits, serverIdentity: [UInt8], nonce: [UInt8]) {
        precondition(nonce.count == OfflineProtocol.nonceBytes, "the challenge nonce must be 32 bytes")
        self.limits = limits
        self.serverIdentity = serverIdentity
        self.nonce = nonce
    }

    /// Whether the stream is over (nothing more will be read or written).
    package var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Takes one message body from the client.
    package mutating func receive(_ body: [UInt8]) -> OfflineServerAction {
        let decoded: ClientMessageIn
        do {
            decoded = try OfflineCodec.decodeClientMessage(body, limits: limits)
        } catch {
            return refuse(error)
        }
        switch (state, decoded) {
        case (.idle, .deposit(let d)):
            return deposit(d, answered: 0)
        case (.depositing(let answered), .deposit(let d)):
            return deposit(d, answered: answered)
        case (.depositing(let answered), _):
            return answerDeposit(id: [], status: .malformed, retryAfter: 0, answered: answered)
        case (.idle, .fetch(let recipient, let maxEnvelopes, let maxBytes)):
            let page = PageRequest(
                recipient: recipient, after: 0,
                limit: min(maxEnvelopes ?? limits.batchMaxEnvelopes, limits.batchMaxEnvelopes),
                maxBytes: min(maxBytes ?? limits.batchMaxBytes, limits.batchMaxBytes))
            state = .challenged(page)
            return .write(OfflineCodec.encodeChallenge(nonce: nonce))
        case (.challenged(let page), .proof(let signature)):
            guard verify(signature, recipient: page.recipient) else { return fail(.authFailed) }
            state = .loading(page)
            return .acknowledgeAndLoad(acknowledged: [], page: page)
        case (.awaitingAck(let page, let sent), .ack(let ids)):
            guard ids.allSatisfy(sent.contains) else { return fail(.malformed) }
            state = .loading(page)
            return .acknowledgeAndLoad(acknowledged: ids, page: page)
        case (.closed, _):
            return .close
        default:
            return fail(.malformed)
        }
    }

    /// Reports the store's decision on the envelope of the last ``OfflineServerAction/store(_:)``.
    package mutating func stored(_ decision: DepositDecision) -> OfflineServerAction {
        guard case .storing(let id, let answered) = state else { return fail(.malformed) }
        switch decision {
        case .stored, .duplicate:
            return answerDeposit(id: id, status: .ok, retryAfter: 0, answered: answered)
        case .overRecipientQuota:
            return answerDeposit(id: id, status: .quotaRecipient, retryAfter: limits.recipientQuotaRetryAfterSeconds, answered: answered)
        case .overTotalQuota:
            return answerDeposit(id: id, status: .quotaTotal, retryAfter: limits.totalQuotaRetryAfterSeconds, answered: answered)
        case .invalidPayload:  // empty payloads were refused before the store was asked
            return answerDeposit(id: id, status: .tooLarge, retryAfter: 0, answered: answered)
        }
    }

    /// Reports the page loaded for the last ``OfflineServerAction/acknowledgeAndLoad(acknowledged:page:)``.
    package mutating func loaded(_ envelopes: [StoredEnvelope]) -> OfflineServerAction {
        guard case .loading(var page) = state else { return fail(.malformed) }
        guard let last = envelopes.last else {
            state = .closed
            return .writeAndClose(OfflineCodec.encodeBatch([]))
        }
        page.after = last.sequence
        state = .awaitingAck(page, sent: Set(envelopes.map(\.id)))
        return .write(OfflineCodec.encodeBatch(envelopes))
    }

    /// Reports that the last store action failed (disk full, I/O error): a deposit is
    /// answered `UNAVAILABLE` (the stream goes on); a fetch ends with `Failure UNAVAILABLE`.
    package mutating func storeFailed() -> OfflineServerAction {
        if case .storing(let id, let answered) = state {
            return answerDeposit(id: id, status: .unavailable, retryAfter: limits.unavailableRetryAfterSeconds, answered: answered)
        }
        state = .closed
        return .writeAndClose(OfflineCodec.encodeFailure(.unavailable, retryAfterSeconds: limits.unavailableRetryAfterSeconds))
    }

    /// The client closed its side. Whatever was not acknowledged stays stored.
    package mutating func endOfInput() -> OfflineServerAction {
        state = .closed
        return .close
    }

    // MARK: Steps

    private mutating func deposit(_ d: DepositIn, answered: Int) -> OfflineServerAction {
        switch d.check(limits) {
        case .valid(let envelope):
            state = .storing(id: envelope.id.bytes, answered: answered)
            return .store(envelope)
        case .invalid(let status):
            let id = d.envelopeID.count == OfflineProtocol.envelopeIDBytes ? d.envelopeID : []
            return answerDeposit(id: id, status: status, retryAfter: 0, answered: answered)
        }
    }

    private mutating func answerDeposit(id: [UInt8], status: OfflineStatus, retryAfter: UInt32, answered: Int) -> OfflineServerAction {
        let reply = OfflineCodec.encodeDepositResult(envelopeID: id, status: status, retryAfterSeconds: retryAfter)
        if answered + 1 >= limits.maxDepositsPerStream {
            state = .closed
            return .writeAndClose(reply)
        }
        state = .depositing(answered: answered + 1)
        return .write(reply)
    }

    /// A message that did not decode: one more deposit answer in a deposit stream (so every
    /// message gets exactly one), else the end of the stream.
    private mutating func refuse(_ error: OfflineError) -> OfflineServerAction {
        let status: OfflineStatus = switch error {
        case .unsupportedVersion: .unsupportedVersion
        case .tooLarge: .tooLarge
        default: .malformed
        }
        switch state {
        case .depositing(let answered):
            return answerDeposit(id: [], status: status, retryAfter: 0, answered: answered)
        case .closed:
            return .close
        default:
            return fail(status)
        }
    }

    private mutating func fail(_ status: OfflineStatus) -> OfflineServerAction {
        if case .closed = state { return .close }
        state = .closed
        return .writeAndClose(OfflineCodec.encodeFailure(status, retryAfterSeconds: 0))
    }

    private func verify(_ signature: [UInt8], recipient: RecipientKey) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: recipient.bytes) else { return false }
        let transcript = FetchTranscript.bytes(serverIdentity: serverIdentity, recipient: recipient, nonce: nonce)
        return key.isValidSignature(signature, for: transcript)
    }
}
