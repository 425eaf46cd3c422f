/// The application's verdict on a message (gossipsub-v1.1.md, "Extended Validators").
public enum ValidationResult: Sendable, Hashable {
    /// Deliver and forward.
    case accept
    /// Drop, and penalise the peer that sent it (P₄).
    case reject
    /// Drop without penalty.
    case ignore
}

/// The application's message validator, called for every new message that passed the
/// signature policy, before delivery and forwarding. It must not block.
public typealias MessageValidator = @Sendable (PubSubMessage) -> ValidationResult
