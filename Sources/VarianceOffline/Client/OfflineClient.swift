/// The client's end of `/variance/offline/1.0.0`: a sender depositing envelopes at a
/// recipient's relay, or a recipient fetching its own mailbox.
///
/// Transport-agnostic like ``OfflineServer``: `read` returns one message body or nil at the
/// end of input, `write` sends one body; the shell does the length prefixes and timeouts
/// and closes the stream after the call returns or throws.
public struct OfflineClient: Sendable {
    /// What this client sends and accepts: payload size, batch bounds it asks for, deposit
    /// window, deposits per stream.
    public let limits: OfflineLimits

    /// A client.
    public init(limits: OfflineLimits = .default) {
        precondition(limits.isConsistent, "OfflineLimits are inconsistent")
        self.limits = limits
    }

    /// Deposits `envelopes` on one stream, in order, and says what became of each.
    ///
    /// Envelopes the relay would refuse for their size are not sent (`.refused(.tooLarge)`
    /// or `.refused(.malformed)`). Up to ``OfflineLimits/depositWindow`` deposits are in
    /// flight before their answers are read. At most ``OfflineLimits/maxDepositsPerStream``
    /// are sent; the rest, and everything after a transport error, the end of the stream or
    /// an answer that breaks the protocol, is `.unanswered`: retry on a new stream (a
    /// repeated id is stored once). When a write fails, the answers to the deposits already
    /// written are still read.
    ///
    /// - Returns: One outcome per envelope, in the same order.
    /// - Throws: `CancellationError` only; every other failure becomes `.unanswered`.
    public func deposit(
        _ envelopes: [OfflineEnvelope],
        read: () async throws -> [UInt8]?,
        write: ([UInt8]) async throws -> Void
    ) async throws -> [DepositOutcome] {
        var outcomes = [DepositOutcome](repeating: .unanswered, count: envelopes.count)
        var queue: [Int] = []
        for (index, envelope) in envelopes.enumerated() {
            let status = envelope.check(limits)
            if status == .ok {
                queue.append(index)
            } else {
                outcomes[index] = .refused(status, retryAfterSeconds: 0)
            }
        }
        queue = Array(queue.prefix(limits.maxDepositsPerStream))
        var sent = 0
        var answered = 0
        var end = queue.count  // lowered to `sent` when a write fails: still read what is owed
        do {
            exchange: while answered < end {
                while sent < end && sent - answered < limits.depositWindow {
                    do {
                        try await write(OfflineCodec.encodeDeposit(envelopes[queue[sent]]))
                        sent += 1
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        end = sent
                    }
                }
                guard answered < end, let body = try await read() else { break }
                let index = queue[answered]
                switch try OfflineCodec.decodeServerMessage(body, limits: limits) {
                case .depositResult(let id, let status, let retryAfter):
                    // An empty id answers a deposit the relay could not read: never OK.
                    let matches = id.isEmpty ? status != .ok : id == envelopes[index].id.bytes
                    guard matches else { throw OfflineError.malformed("deposit answer out of order") }
                    outcomes[index] = status == .ok ? .stored : .refused(status, retryAfterSeconds: retryAfter)
                    answered += 1
                case .failure(let status, let retryAfter):
                    outcomes[index] = .refused(status, retryAfterSeconds: retryAfter)
                    break exchange
                case .challenge, .batch:
                    throw OfflineError.malformed("unexpected message in a deposit stream")
                }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The rest stay `.unanswered`.
        }
        return outcomes
    }

    /// Fetches the mailbox of `recipientKey`, batch by batch, acknowledging each batch after
    /// `onBatch` returns, until the relay sends an empty batch.
    ///
    /// `onBatch` must persist the envelopes (deduplicating by id) before it returns: the ack
    /// that follows deletes them at the relay. If it throws, nothing more is acknowledged and
    /// the error is rethrown; the relay keeps that batch and everything after it, so the next
    /// fetch brings them again. One call takes at most ``OfflineLimits/maxEnvelopesPerRecipient``
    /// envelopes (the rest waits for the next fetch).
    ///
    /// - Parameters:
    ///   - recipientKey: The mailbox: the recipient's Ed25519 public key.
    ///   - sign: Signs a ``FetchTranscript`` with the recipient's private key (64 bytes).
    ///   - serverIdentity: The relay's identity bytes, as the relay uses them.
    ///   - onBatch: Persists one batch (1 to ``OfflineLimits/batchMaxEnvelopes`` envelopes,
    ///     oldest deposit first).
    /// - Returns: The number of envelopes received and acknowledged.
    /// - Throws: ``OfflineError/refused(_:)`` (`.authFailed` for a bad proof),
    ///   ``OfflineError/malformed(_:)`` or ``OfflineError/tooLarge(_:)`` for what the relay
    ///   sent, ``OfflineError/streamEnded``, and whatever `sign`, `onBatch`, `read` or
    ///   `write` throw.
    @discardableResult
    public func fetch(
        recipientKey: RecipientKey,
        sign: ([UInt8]) async throws -> [UInt8],
        serverIdentity: [UInt8],
        read: () async throws -> [UInt8]?,
        write: ([UInt8]) async throws -> Void,
        onBatch: ([FetchedEnvelope]) async throws -> Void
    ) async throws -> Int {
        try await write(OfflineCodec.encodeFetch(
            recipient: recipientKey, maxEnvelopes: limits.batchMaxEnvelopes, maxBytes: limits.batchMaxBytes))
        let nonce: [UInt8]
        switch try await next(read) {
        case .challenge(let n): nonce = n
        case .failure(let status, _): throw OfflineError.refused(status)
        case .depositResult, .batch: throw OfflineError.malformed("expected a challenge")
        }
        let transcript = FetchTranscript.bytes(serverIdentity: serverIdentity, recipient: recipientKey, nonce: nonce)
        let signature = try await sign(transcript)
        guard signature.count == OfflineProtocol.signatureBytes else { throw OfflineError.malformed("signature length") }
        try await write(OfflineCodec.encodeProof(signature: signature))
        var received = 0
        while true {
            switch try await next(read) {
            case .batch(let envelopes):
                if envelopes.isEmpty { return received }
                try await onBatch(envelopes)
                try await write(OfflineCodec.encodeAck(envelopes.map(\.id)))
                received += envelopes.count
                if received >= limits.maxEnvelopesPerRecipient { return received }
            case .failure(let status, _):
                throw OfflineError.refused(status)
            case .depositResult, .challenge:
                throw OfflineError.malformed("expected a batch")
            }
        }
    }

    private func next(_ read: () async throws -> [UInt8]?) async throws -> ServerMessageIn {
        guard let body = try await read() else { throw OfflineError.streamEnded }
        return try OfflineCodec.decodeServerMessage(body, limits: limits)
    }
}
