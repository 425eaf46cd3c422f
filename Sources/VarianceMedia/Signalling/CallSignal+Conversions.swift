#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftProtobuf
import VarianceProtos

extension CallSessionDescription {
    init(_ transport: Variance_CallTransport, sdp: String, video: Bool) {
        self.init(
            dtlsFingerprintSHA256: Array(transport.dtlsFingerprintSha256), iceUsernameFragment: transport.iceUfrag,
            icePassword: transport.icePwd, sdp: sdp, video: video)
    }

    var transport: Variance_CallTransport {
        var transport = Variance_CallTransport()
        transport.dtlsFingerprintSha256 = Data(dtlsFingerprintSHA256)
        transport.iceUfrag = iceUsernameFragment
        transport.icePwd = icePassword
        return transport
    }

    /// Whether the fields a transport needs are there: a 32-byte fingerprint and ICE
    /// credentials of the lengths RFC 8445 §5.3 asks for.
    var isUsable: Bool {
        dtlsFingerprintSHA256.count == 32 && iceUsernameFragment.utf8.count >= 4 && icePassword.utf8.count >= 22
    }
}

extension ICECandidate {
    init(_ message: Variance_CallCandidate) {
        self.init(
            candidate: message.candidate, sdpMid: message.sdpMid, sdpMLineIndex: message.sdpMlineIndex,
            endOfCandidates: message.endOfCandidates)
    }

    var message: Variance_CallCandidate {
        var message = Variance_CallCandidate()
        message.candidate = candidate
        message.sdpMid = sdpMid
        message.sdpMlineIndex = sdpMLineIndex
        message.endOfCandidates = endOfCandidates
        return message
    }
}

extension Variance_CallSignal {
    static func make(callID: [UInt8], _ body: Variance_CallSignal.OneOf_Body) -> Variance_CallSignal {
        var signal = Variance_CallSignal()
        signal.callID = Data(callID)
        signal.body = body
        return signal
    }

    static func offer(callID: [UInt8], _ description: CallSessionDescription) -> Variance_CallSignal {
        var offer = Variance_CallOffer()
        offer.transport = description.transport
        offer.sdp = description.sdp
        offer.video = description.video
        return make(callID: callID, .offer(offer))
    }

    static func answer(callID: [UInt8], _ description: CallSessionDescription) -> Variance_CallSignal {
        var answer = Variance_CallAnswer()
        answer.transport = description.transport
        answer.sdp = description.sdp
        answer.video = description.video
        return make(callID: callID, .answer(answer))
    }

    static func hangup(callID: [UInt8], _ reason: Variance_CallHangup.Reason) -> Variance_CallSignal {
        var hangup = Variance_CallHangup()
        hangup.reason = reason
        return make(callID: callID, .hangup(hangup))
    }

    /// A busy reply to the offer of another call.
    public static func busy(callID: [UInt8]) -> Variance_CallSignal {
        make(callID: callID, .busy(Variance_CallBusy()))
    }
}

/// Errors of `Variance_SignedCallSignal` handling.
public struct CallSignalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sentence for logs.
    public let message: String
    /// The message.
    public var description: String { message }

    /// The signature does not verify under the peer's key and this context.
    public static let badSignature = CallSignalError(message: "the call signal's signature does not verify")
    /// The signature verified but the bytes are not a CallSignal.
    public static let malformed = CallSignalError(message: "the call signal cannot be decoded")
    /// Refused before verification because of its size.
    public static let tooLarge = CallSignalError(message: "the call signal is larger than 64 KiB")
}

extension Variance_SignedCallSignal {
    /// Signed signals larger than this are refused before decoding.
    public static let maximumSize = 64 * 1024

    /// Prefix of every signed message, so a call-signal signature can never be taken for a
    /// signature over anything else the identity key signs.
    public static let signingDomain = Array("variance/call-signal/v1".utf8)

    /// The bytes actually signed: the domain, the length and bytes of `context`, then the
    /// serialized signal. `context` should name sender and recipient (their identity keys),
    /// so that a signal cannot be replayed into another conversation.
    public static func signedMessage(signal: [UInt8], context: [UInt8]) -> [UInt8] {
        var message = signingDomain
        message.appendBigEndian(UInt32(truncatingIfNeeded: context.count))
        message += context
        message += signal
        return message
    }

    /// Serializes `signal` and signs it with `sign` (the identity key's signer).
    public init(signing signal: Variance_CallSignal, context: [UInt8], with sign: ([UInt8]) throws -> [UInt8]) throws {
        self.init()
        let bytes: [UInt8] = try signal.serializedBytes()
        self.signal = Data(bytes)
        self.signature = Data(try sign(Self.signedMessage(signal: bytes, context: context)))
    }

    /// Checks the signature with `verify(message, signature)` (the peer's identity key) over
    /// the same `context` the sender used, then decodes the signal. Nothing is decoded before
    /// the signature checks out.
    public func verifiedSignal(
        context: [UInt8], _ verify: (_ message: [UInt8], _ signature: [UInt8]) -> Bool
    ) throws(CallSignalError) -> Variance_CallSignal {
        guard signal.count <= Self.maximumSize else { throw .tooLarge }
        guard verify(Self.signedMessage(signal: Array(signal), context: context), Array(signature)) else {
            throw .badSignature
        }
        do {
            return try Variance_CallSignal(serializedBytes: Array(signal))
        } catch {
            throw .malformed
        }
    }
}
