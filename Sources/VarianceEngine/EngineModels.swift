/// The facts `identity.create` returns; the mnemonic is shown this once.
public struct CreatedIdentity: Sendable {
    public var did: String
    public var peerID: String
    public var username: String?
    public var mnemonic: [String]
}

/// The public facts of the identity.
public struct IdentitySummary: Sendable, Equatable {
    public var did: String
    public var peerID: String
    public var username: String?
    public var fingerprint: String
    /// Unix milliseconds.
    public var createdAt: Int64
}

/// A message as the engine hands it out. Times are Unix milliseconds.
public struct Message: Sendable, Equatable {
    public var id: String
    public var conversation: String
    public var from: String
    public var text: String
    public var sentAt: Int64
    public var receivedAt: Int64?
    public var status: String
    public var replyTo: String?
    public var expiresAt: Int64
}

/// A page of messages, newest first, with the cursor for the next (older) page.
public struct MessagePageResult: Sendable {
    public var messages: [Message]
    public var before: String?
}

/// A page of persisted events, and the newest seq overall.
public struct EventPage: Sendable {
    public var events: [EventRecord]
    public var last: Int64
}
