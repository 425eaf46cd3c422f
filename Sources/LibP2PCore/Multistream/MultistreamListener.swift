// The listener (responder) side of multistream-select 1.0.
//
//                      header                              supported proposal
//   awaitingHeader ─────────────▶ awaitingProposal(attempts) ──────────────────▶ agreed
//   (sends nothing   (send header,    │   ▲                   (send its echo)
//    until then)     in the same      │   │ unsupported: send na, attempts+1
//                    write as the     │   │ ls: send the listing, attempts+1
//                    first answer)    └───┘
//          │                          │ attempts reaches maxAttempts
//          │ anything else            ▼ (outcome .failed, after the last answer)
//          └──────────────────────▶ failed ◀── any error thrown (varint, length,
//                                                newline, bounds, na or header again)
//
// Bytes after the accepted proposal (an optimistic dialer's first application bytes)
// are returned as the remainder, never dropped.

/// The listener side of multistream-select 1.0, as a pure state machine: it never touches
/// a socket. Pass every received piece to ``receive(_:)`` and act on the
/// ``MultistreamOutcome``.
///
/// The listener answers lazily: its header goes out with its first answer, in one write,
/// as the spec recommends. It echoes a supported proposal, answers `na` otherwise, and
/// answers `ls` with its protocols (sorted). Bounds: ``MultistreamLimits``; after
/// ``MultistreamLimits/maxAttempts`` refused proposals or `ls` requests it answers the
/// last one and reports ``MultistreamOutcome/failed(_:send:)``.
public struct MultistreamListener: Sendable {
    private enum State: Sendable, Hashable {
        case awaitingHeader
        case awaitingProposal(attempts: Int)
        case finished
    }

    /// The protocols this listener accepts.
    public let supported: Set<String>
    /// The bounds applied to the dialer's messages.
    public let limits: MultistreamLimits

    private var state = State.awaitingHeader
    private var reader: MultistreamReader

    /// A listener that accepts the protocols in `supported`.
    ///
    /// - Parameters:
    ///   - supported: Protocol ids; each starts with `/` and has no newline (violations
    ///     are programming errors and trap). May be empty (every proposal gets `na`).
    ///   - limits: Bounds on the dialer's messages.
    public init(supported: Set<String>, limits: MultistreamLimits = .default) {
        for id in supported {
            precondition(
                MultistreamMessage.isValidProtocolID(id, maxMessageLength: limits.maxMessageLength),
                "protocol ids start with \"/\", have no newline and fit a message"
            )
        }
        self.supported = supported
        self.limits = limits
        self.reader = MultistreamReader(limits: limits)
    }

    /// Whether negotiation has ended (agreed, failed or errored).
    public var isFinished: Bool { state == .finished }

    /// Handles bytes received from the dialer, in pieces of any size.
    ///
    /// - Parameter bytes: The next received bytes.
    /// - Returns: What to write and whether negotiation goes on, agreed or failed.
    /// - Throws: ``MultistreamError`` on malformed or unexpected input or a broken bound;
    ///   negotiation is then over.
    public mutating func receive(_ bytes: [UInt8]) throws(MultistreamError) -> MultistreamOutcome {
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
                send += MultistreamMessage.header.encoded
                state = .awaitingProposal(attempts: 0)
            case (.awaitingHeader, _):
                throw .missingHeader
            case (.awaitingProposal, .protocolID(let id)) where supported.contains(id):
                state = .finished
                send += MultistreamMessage.protocolID(id).encoded
                return .agreed(protocol: id, send: send, remainder: reader.takeBuffered())
            case (.awaitingProposal(let attempts), .protocolID), (.awaitingProposal(let attempts), .list):
                send += message == .list ? MultistreamListing.encode(supported.sorted()) : MultistreamMessage.notAvailable.encoded
                guard attempts + 1 < limits.maxAttempts else {
                    state = .finished
                    return .failed(.tooManyAttempts(limit: limits.maxAttempts), send: send)
                }
                state = .awaitingProposal(attempts: attempts + 1)
            case (.awaitingProposal, _), (.finished, _):
                throw .unexpectedMessage
            }
        }
        return .needMore(send: send)
    }

    /// The next whole message from the dialer.
    private mutating func nextMessage() throws(MultistreamError) -> MultistreamMessage? {
        try reader.next(expectingHeader: state == .awaitingHeader)
    }
}
