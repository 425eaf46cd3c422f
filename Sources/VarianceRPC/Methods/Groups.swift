/// Group ids: 32 lowercase hexadecimal digits (the MLS group id).
public enum GroupID {
    public static func check(_ text: String, field: String = "groupId") throws(RPCError) -> String {
        guard isValid(text) else {
            throw RPCError.invalidParams(field: field, reason: "must be a group id (32 lowercase hex digits)")
        }
        return text
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// A conversation: a person (DID or @name) or a group id.
public enum ConversationID {
    public static func check(_ text: String, field: String) throws(RPCError) -> String {
        if GroupID.isValid(text) { return text }
        guard (try? Person.check(text, field: field)) != nil else {
            throw RPCError.invalidParams(field: field, reason: "must be a did:key, the @name of a contact, or a group id")
        }
        return text
    }
}

/// `groups.create {name, members?}`: a new group with us and `members` (DIDs or @names of
/// contacts, each reachable now: their node gives a key package); each gets a Welcome.
public enum GroupsCreate: RPCMethod {
    public static let name = "groups.create"
    /// The most members named at creation.
    public static let maxMembers = 99

    public struct Params: RPCParams {
        public var name: String
        public var members: [String]

        public init(from params: ParamsReader) throws(RPCError) {
            name = try params.string("name")
            guard !name.isEmpty, name.utf8.count <= 256 else {
                throw RPCError.invalidParams(field: "name", reason: "must be 1 to 256 bytes")
            }
            members = try params.optionalStringArray("members") ?? []
            guard members.count <= GroupsCreate.maxMembers else {
                throw RPCError.invalidParams(field: "members", reason: "must name at most \(GroupsCreate.maxMembers) people")
            }
            for member in members { _ = try Person.check(member, field: "members") }
        }
    }

    public struct Result: RPCResult {
        public var groupId: String
        public init(groupId: String) { self.groupId = groupId }
        public var json: JSON { ["groupId": .string(groupId)] }
    }
}

/// `{groupId, member}` of `groups.invite` and `groups.remove`.
public struct GroupMemberParams: RPCParams {
    public var groupId: String
    public var member: String

    public init(from params: ParamsReader) throws(RPCError) {
        groupId = try GroupID.check(try params.string("groupId"))
        member = try Person.check(try params.string("member"), field: "member")
    }
}

/// `{groupId}` of `groups.leave` and `groups.members`.
public struct GroupIDParams: RPCParams {
    public var groupId: String

    public init(from params: ParamsReader) throws(RPCError) {
        groupId = try GroupID.check(try params.string("groupId"))
    }
}

/// `groups.invite {groupId, member}`: adds a person (reachable now) to the group.
public enum GroupsInvite: RPCMethod {
    public static let name = "groups.invite"
    public typealias Params = GroupMemberParams
    public typealias Result = EmptyResult
}

/// `groups.remove {groupId, member}`: removes a member from the group.
public enum GroupsRemove: RPCMethod {
    public static let name = "groups.remove"
    public typealias Params = GroupMemberParams
    public typealias Result = EmptyResult
}

/// `groups.leave {groupId}`: leaves the group (the history stays).
public enum GroupsLeave: RPCMethod {
    public static let name = "groups.leave"
    public typealias Params = GroupIDParams
    public typealias Result = EmptyResult
}

/// A member as the contract shows it: `{did, username?, nickname?, self}`.
public struct GroupMemberObject: Sendable {
    public var did: String
    public var username: String?
    public var nickname: String?
    public var isSelf: Bool

    public init(did: String, username: String?, nickname: String?, isSelf: Bool) {
        self.did = did
        self.username = username
        self.nickname = nickname
        self.isSelf = isSelf
    }

    public var json: JSON {
        var object: JSONObject = ["did": .string(did)]
        if let username { object["username"] = .string(username) }
        if let nickname { object["nickname"] = .string(nickname) }
        object["self"] = .bool(isSelf)
        return .object(object)
    }
}

/// `groups.members {groupId}`: the members, us included.
public enum GroupsMembers: RPCMethod {
    public static let name = "groups.members"
    public typealias Params = GroupIDParams

    public struct Result: RPCResult {
        public var members: [GroupMemberObject]
        public init(members: [GroupMemberObject]) { self.members = members }
        public var json: JSON { ["members": .array(members.map(\.json))] }
    }
}

/// A group as `groups.list` shows it.
public struct GroupObject: Sendable {
    public var groupId: String
    public var name: String
    public var members: [String]
    public var epoch: Int64
    public var epochFingerprint: String
    public var active: Bool

    public init(groupId: String, name: String, members: [String], epoch: Int64, epochFingerprint: String, active: Bool) {
        self.groupId = groupId
        self.name = name
        self.members = members
        self.epoch = epoch
        self.epochFingerprint = epochFingerprint
        self.active = active
    }

    public var json: JSON {
        [
            "groupId": .string(groupId), "name": .string(name), "members": .array(members.map { .string($0) }),
            "epoch": .int(epoch), "epochFingerprint": .string(epochFingerprint), "active": .bool(active),
        ]
    }
}

/// `groups.list`: every group we are or were in.
public enum GroupsList: RPCMethod {
    public static let name = "groups.list"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var groups: [GroupObject]
        public init(groups: [GroupObject]) { self.groups = groups }
        public var json: JSON { ["groups": .array(groups.map(\.json))] }
    }
}
