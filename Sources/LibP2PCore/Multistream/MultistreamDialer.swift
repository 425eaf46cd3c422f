// The dialer (initiator) side of multistream-select 1.0.
//
//          start()
//   idle ─────────────▶ awaitingHeader ── header ──▶ awaitingAnswer(i) ── echo of i ──▶ agreed
//   sends header            │                          │   ▲
//   + proposal 0            │ anything else            │   │ na, i+1 < count:
//                           ▼                          │   │ send proposal i+1
//                         failed ◀──── na, no more ────┘───┘
//                           ▲          proposals (outcome .failed)
//                           └── any error thrown (varint, length, newline, bounds, …)
//
// The header and the first proposal go out together ("optimistic"), as the spec recommends.
// Bytes after the accepted echo are returned as the remainder, never dropped.

/// The dialer side of multistream-select 1.0, as a pure state machine: it never touches a
/// socket. Call ``start()`` once and write its bytes, then pass every received piece to
/// ``receive(_:)`` and act on the ``MultistreamOutcome``.
///
/// Protocols are proposed in the order given; on `na` the next one is proposed, and when
/// none is left the outcome is ``MultistreamOutcome/failed(_:send:)`` with
/// ``MultistreamError/noProtocolAccepted(proposed:)``. Bounds: ``MultistreamLimits``.
public struct MultistreamDialer: Sendable {
    private enum State: Sendable, Hashable {
        case idle
        case awaitingHeader
        case awaitingAnswer(index: Int)
        case finished
    }

    /// The protocols to propose, most preferred first.
    public let protocols: [String]
    /// The bounds applied to the listener's messages.
    public let limits: MultistreamLimits

    private var state = State.idle
    private var reader: MultistreamReader

    /// A dialer that will propose `protocols` in order.
    ///
    /// - Parameters:
    ///   - protocols: At least one protocol id; each starts with `/` and has no newline
    ///     (violations are programming errors and trap).
    ///   - limits: Bounds on the listener's messages.
    public init(protocols: [String], limits: MultistreamLimits = .default) {
        precondition(!protocols.isEmpty, "a multistream dialer needs at least one protocol")
        for id in protocols {
            precondition(
                MultistreamMessage.isValidProtocolID(id, maxMessageLength: limits.maxMessageLength),
                "protocol ids start with \"/\", have no newline and fit a message"
            )
        }
        self.protocols = protocols
        self.limits = limits
        self.reader = MultistreamReader(limits: limits)
    }

    /// Whether negotiation has ended (agreed, failed or errored).
    public var isFinished: Bool { state == .finished }

    /// Begins negotiation.
    ///
    /// - Returns: The bytes to write: the header and the first proposal. Calling it again
    ///   returns nothing.
    public mutating func start() -> [UInt8] {
        guard state == .idle else { return [] }
        state = .awaitingHeader
        return MultistreamMessage.header.encoded + MultistreamMessage.protocolID(protocols[0]).encoded
    }

    /// Handles bytes received from the listener, in pieces of any size.
    ///
    /// - Parameter bytes: The next received bytes.
    /// - Returns: What to write and whether negotiation goes on, agreed or failed.
    /// - Throws: ``MultistreamError`` on malformed or unexpected input or a broken bound;
    ///   negotiation is then over. Calling this before ``start()`` is a programming error.
    public mutating func receive(_ bytes: [UInt8]) throws(MultistreamError) -> MultistreamOutcome {
        precondition(state != .idle, "call start() before receive(_:)")
        guard state != .finished else { throw .alreadyFinished }
        reader.append(bytes)
        do {
            return try process()
        } catch {
            state = .finished
            throw error
        }
    }

    /// Reports that the stream ended.
    ///
    /// - Returns: ``MultistreamError/closedDuringNegotiation`` if negotiation was still
    ///   running (it is now over), nil if it had already finished.
    public mutating func receiveEndOfStream() -> MultistreamError? {
        guard state != .finished else { return nil }
        state = .finished
        return .closedDuringNegotiation
    }

    private mutating func process() throws(MultistreamError) -> MultistreamOutcome {
        var send: [UInt8] = []
        while let message = try nextMessage() {
            switch (state, message) {
            case (.awaitingHeader, .header):
                state = .awaitingAnswer(index: 0)
            case (.awaitingHeader, _):
                throw .missingHeader
            case (.awaitingAnswer(let index), .protocolID(let id)) where id == protocols[index]:
                state = .finished
                return .agreed(protocol: id, send: send, remainder: reader.takeBuffered())
            case (.awaitingAnswer(let index), .notAvailable):
                let next = index + 1
                guard next < protocols.count else {
                    state = .finished
                    return .failed(.noProtocolAccepted(proposed: protocols.count), send: send)
                }
                state = .awaitingAnswer(index: next)
                send += MultistreamMessage.protocolID(protocols[next]).encoded
            case (.awaitingAnswer, _), (.idle, _), (.finished, _):
                throw .unexpectedMessage
            }
        }
        return .needMore(send: send)
    }

    /// The next whole message from the listener.
    private mutating func nextMessage() throws(MultistreamError) -> MultistreamMessage? {
        try reader.next(expectingHeader: state == .awaitingHeader)
    }
}
