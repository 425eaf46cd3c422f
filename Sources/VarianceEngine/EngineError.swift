/// What the engine's operations fail with. Messages are sentences a person can act on and
/// carry no secrets; the RPC layer maps each case to a contract error code.
public enum EngineError: Error, Sendable, Equatable {
    /// No identity exists yet.
    case noIdentity
    /// The identity exists but is locked by a passphrase.
    case locked
    /// Something already exists (an identity, a contact, ...).
    case conflict(String)
    /// A cryptographic check failed (bad checksum, wrong passphrase, bad signature).
    case crypto(String)
    /// A named thing does not exist.
    case notFound(String)
    /// A parameter is wrong in a way only the engine can tell.
    case invalid(field: String, reason: String)
    /// A peer cannot be reached right now.
    case unreachable(String)
    /// The disk is full: nothing was changed.
    case diskFull
    /// The configuration cannot be used.
    case invalidConfiguration(String)
    /// Storage failed in a way the user cannot fix by retrying differently.
    case storage(String)
    /// Our bug.
    case internalError(String)

    public var message: String {
        switch self {
        case .noIdentity: "There is no identity yet: create one with identity.create or restore one with identity.recover."
        case .locked: "The identity is locked: unlock it with identity.unlock and its passphrase."
        case .conflict(let s), .crypto(let s), .notFound(let s), .unreachable(let s): s
        case .invalid(let field, let reason): "'\(field)' \(reason)."
        case .diskFull: "The disk is full; nothing was changed. Free some space and try again."
        case .invalidConfiguration(let s): "The configuration is not usable: \(s)."
        case .storage(let s): "The database failed: \(s)."
        case .internalError: "The engine hit an internal error; the log on standard error has details."
        }
    }
}
