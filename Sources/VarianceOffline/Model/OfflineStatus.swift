import VarianceProtos

/// The outcome of a deposit, or why a relay refused a stream (`Status` in offline.proto).
public enum OfflineStatus: Sendable, Hashable, CustomStringConvertible {
    /// Stored (or already stored under the same id).
    case ok
    /// The message did not decode, broke a bound, or came out of turn.
    case malformed
    /// The payload is over the relay's per-envelope limit.
    case tooLarge
    /// The recipient's mailbox is full (envelopes or bytes).
    case quotaRecipient
    /// The relay's store is full.
    case quotaTotal
    /// The fetch proof did not verify.
    case authFailed
    /// A `version` the peer does not know.
    case unsupportedVersion
    /// The relay could not store or read (disk full, I/O error).
    case unavailable

    /// Whether the same deposit may succeed later (quotas, unavailability); the others need
    /// a different request.
    public var isRetryable: Bool {
        switch self {
        case .quotaRecipient, .quotaTotal, .unavailable: true
        case .ok, .malformed, .tooLarge, .authFailed, .unsupportedVersion: false
        }
    }

    /// The status name as in offline.proto.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .malformed: "MALFORMED"
        case .tooLarge: "TOO_LARGE"
        case .quotaRecipient: "QUOTA_RECIPIENT"
        case .quotaTotal: "QUOTA_TOTAL"
        case .authFailed: "AUTH_FAILED"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .unavailable: "UNAVAILABLE"
        }
    }

    /// The wire value.
    var wire: Variance_Offline_Status {
        switch self {
        case .ok: .ok
        case .malformed: .malformed
        case .tooLarge: .tooLarge
        case .quotaRecipient: .quotaRecipient
        case .quotaTotal: .quotaTotal
        case .authFailed: .authFailed
        case .unsupportedVersion: .unsupportedVersion
        case .unavailable: .unavailable
        }
    }

    /// The status for a wire value; nil for `STATUS_UNSPECIFIED` and unknown values.
    init?(wire: Variance_Offline_Status) {
        switch wire {
        case .ok: self = .ok
        case .malformed: self = .malformed
        case .tooLarge: self = .tooLarge
        case .quotaRecipient: self = .quotaRecipient
        case .quotaTotal: self = .quotaTotal
        case .authFailed: self = .authFailed
        case .unsupportedVersion: self = .unsupportedVersion
        case .unavailable: self = .unavailable
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
