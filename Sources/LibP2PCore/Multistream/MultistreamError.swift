/// Why a multistream-select negotiation failed. After any of these the negotiation is over
/// and the stream or connection should be closed. No received text is quoted.
public enum MultistreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A length prefix is not a minimal unsigned varint of at most 9 bytes.
    case invalidLengthPrefix
    /// A message is longer than ``MultistreamLimits/maxMessageLength`` (`length` may be a
    /// lower bound when the prefix was refused before it ended).
    case messageTooLong(length: UInt64, limit: Int)
    /// A message does not end with `\n`.
    case missingNewline
    /// A message is empty, not UTF-8, or has a `\n` before its end.
    case invalidMessage
    /// The peer's first message is not `/multistream/1.0.0`.
    case missingHeader
    /// A message the protocol does not allow here: the dialer got an echo of a protocol it
    /// did not propose (or a second header, an `ls`…); the listener got `na` or a second header.
    case unexpectedMessage
    /// The listener refused ``MultistreamLimits/maxAttempts`` proposals (or `ls` requests)
    /// and gives up.
    case tooManyAttempts(limit: Int)
    /// The dialer proposed every protocol it has and the listener answered `na` to each.
    case noProtocolAccepted(proposed: Int)
    /// The peer sent more than ``MultistreamLimits/maxNegotiationBytes`` of negotiation messages.
    case negotiationTooLong(limit: Int)
    /// The stream ended before a protocol was agreed.
    case closedDuringNegotiation
    /// Input arrived after the negotiation had already ended (agreed or failed).
    case alreadyFinished

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .invalidLengthPrefix: "multistream message length is not a valid unsigned varint"
        case .messageTooLong(let length, let limit):
            "multistream message of \(length) bytes or more exceeds the \(limit)-byte limit"
        case .missingNewline: "multistream message does not end with a newline"
        case .invalidMessage: "multistream message is empty, not UTF-8, or has a newline inside"
        case .missingHeader: "peer did not start with /multistream/1.0.0"
        case .unexpectedMessage: "peer sent a multistream message that is not allowed at this point"
        case .tooManyAttempts(let limit): "peer proposed \(limit) protocols we do not support; giving up"
        case .noProtocolAccepted(let proposed): "peer supports none of the \(proposed) protocols we proposed"
        case .negotiationTooLong(let limit): "protocol negotiation exceeded \(limit) bytes"
        case .closedDuringNegotiation: "stream closed before a protocol was agreed"
        case .alreadyFinished: "protocol negotiation has already finished"
        }
    }
}

extension MultistreamError {
    /// The negotiation error for a framing error.
    init(_ error: LengthPrefixedError) {
        switch error {
        case .invalidLengthPrefix: self = .invalidLengthPrefix
        case .messageTooLong(let length, let limit): self = .messageTooLong(length: length, limit: limit)
        }
    }
}
