/// A person in the address book.
public struct StoredContact: Sendable, Equatable {
    /// Their DID (`did:key:z6Mk…`).
    public var did: String
    /// A name chosen by this user; nil (stored as an empty string) when none.
    public var nickname: String?
    /// Their registered `@name`; nil (stored as an empty string) when unknown.
    public var username: String?
    /// Whether their messages and requests are dropped.
    public var blocked: Bool
    /// When they were added, Unix milliseconds.
    public var addedAt: Int64

    /// Creates a contact.
    public init(did: String, nickname: String? = nil, username: String? = nil, blocked: Bool = false, addedAt: Int64) {
        self.did = did
        self.nickname = nickname
        self.username = username
        self.blocked = blocked
        self.addedAt = addedAt
    }
}
