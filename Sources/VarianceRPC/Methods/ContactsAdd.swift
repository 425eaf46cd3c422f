/// `contacts.add {did, multiaddr?, nickname?}` or `{invite, nickname?}`: adds a contact; with
/// `multiaddr`, dials it and fetches and verifies the contact's identity record from that
/// peer; with `invite`, verifies the signed `variance://invite/…` link and does the same at
/// the addresses it names.
public enum ContactsAdd: RPCMethod {
    public static let name = "contacts.add"

    public struct Params: RPCParams {
        /// Set unless `invite` is.
        public var did: String?
        public var multiaddr: String?
        public var invite: String?
        /// A username (`@name` or `name`), instead of `did`.
        public var username: String?
        public var nickname: String?

        public init(from params: ParamsReader) throws(RPCError) {
            did = try params.optionalString("did")
            invite = try params.optionalString("invite")
            username = try params.optionalString("username")
            guard [did, invite, username].compactMap({ $0 }).count == 1 else {
                throw RPCError.invalidParams(field: "did", reason: "give one of did (with an optional multiaddr), username or invite")
            }
            if let username, username.isEmpty || username.utf8.count > 64 {
                throw RPCError.invalidParams(field: "username", reason: "must be a username such as @alice")
            }
            if let did, !did.hasPrefix("did:key:") || did.utf8.count > 256 {
                throw RPCError.invalidParams(field: "did", reason: "must be a did:key")
            }
            if let invite, !invite.hasPrefix("variance://invite/") || invite.utf8.count > 4096 {
                throw RPCError.invalidParams(field: "invite", reason: "must be a variance://invite/ link")
            }
            multiaddr = try params.optionalString("multiaddr")
            if let multiaddr, !multiaddr.hasPrefix("/") || multiaddr.utf8.count > 1024 {
                throw RPCError.invalidParams(field: "multiaddr", reason: "must be a multiaddr such as /ip4/127.0.0.1/tcp/4001")
            }
            if multiaddr != nil, did == nil {
                throw RPCError.invalidParams(field: "multiaddr", reason: "goes with did; invites and usernames carry their own addresses")
            }
            nickname = try params.optionalString("nickname")
            if let nickname, nickname.utf8.count > 128 {
                throw RPCError.invalidParams(field: "nickname", reason: "must be at most 128 bytes")
            }
        }
    }

    public struct Result: RPCResult {
        public var contact: ContactObject
        public init(contact: ContactObject) { self.contact = contact }
        public var json: JSON { ["contact": contact.json] }
    }
}

/// `contacts.list`: every contact.
public enum ContactsList: RPCMethod {
    public static let name = "contacts.list"

    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var contacts: [ContactObject]
        public init(contacts: [ContactObject]) { self.contacts = contacts }
        public var json: JSON { ["contacts": .array(contacts.map(\.json))] }
    }
}

/// A contact as the contract shows it: `{did, nickname?, username?, peerIds}`.
public struct ContactObject: Sendable {
    public var did: String
    public var nickname: String?
    public var username: String?
    public var peerIds: [String]

    public init(did: String, nickname: String?, username: String?, peerIds: [String]) {
        self.did = did
        self.nickname = nickname
        self.username = username
        self.peerIds = peerIds
    }

    public var json: JSON {
        var object: JSONObject = ["did": .string(did)]
        if let nickname { object["nickname"] = .string(nickname) }
        if let username { object["username"] = .string(username) }
        object["peerIds"] = .array(peerIds.map { .string($0) })
        return .object(object)
    }
}
