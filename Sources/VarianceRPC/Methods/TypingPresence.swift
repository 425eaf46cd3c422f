/// `typing.set {conversation, active}`: tells the contact we started or stopped typing.
/// Best effort: nothing is sent when no peer of the contact is connected.
public enum TypingSet: RPCMethod {
    public static let name = "typing.set"

    public struct Params: RPCParams {
        public var conversation: String
        public var active: Bool

        public init(from params: ParamsReader) throws(RPCError) {
            conversation = try ConversationID.check(try params.string("conversation"), field: "conversation")
            active = try params.bool("active")
        }
    }

    public typealias Result = EmptyResult
}

/// The presence statuses a person can set.
public enum PresenceNames {
    public static let settable = ["online", "away", "busy", "offline"]
}

/// `presence.set {status}`: sets our presence and tells connected contacts.
public enum PresenceSet: RPCMethod {
    public static let name = "presence.set"

    public struct Params: RPCParams {
        public var status: String

        public init(from params: ParamsReader) throws(RPCError) {
            status = try params.string("status")
            guard PresenceNames.settable.contains(status) else {
                throw RPCError.invalidParams(field: "status", reason: "must be one of online, away, busy, offline")
            }
        }
    }

    public typealias Result = EmptyResult
}

/// `presence.get {did}`: a contact's presence as last told, or ours.
public enum PresenceGet: RPCMethod {
    public static let name = "presence.get"
    public typealias Params = ContactDIDParams

    public struct Result: RPCResult {
        public var did: String
        public var status: String
        /// RFC 3339, when known.
        public var lastSeen: String?

        public init(did: String, status: String, lastSeen: String?) {
            self.did = did
            self.status = status
            self.lastSeen = lastSeen
        }

        public var json: JSON {
            var object: JSONObject = ["did": .string(did), "status": .string(status)]
            if let lastSeen { object["lastSeen"] = .string(lastSeen) }
            return .object(object)
        }
    }
}

/// `conversations.setTimer {conversation, seconds?}`: messages sent in the conversation from
/// now on disappear `seconds` after they arrive, on both sides (absent: the 30-day default).
public enum ConversationsSetTimer: RPCMethod {
    public static let name = "conversations.setTimer"
    /// 30 days.
    public static let maxSeconds: Int64 = 2_592_000

    public struct Params: RPCParams {
        public var conversation: String
        public var seconds: Int64?

        public init(from params: ParamsReader) throws(RPCError) {
            conversation = try Person.check(try params.string("conversation"), field: "conversation")
            seconds = try params.optionalInt("seconds")
            if let seconds, !(1...ConversationsSetTimer.maxSeconds).contains(seconds) {
                throw RPCError.invalidParams(field: "seconds", reason: "must be 1...2592000 (30 days)")
            }
        }
    }

    public struct Result: RPCResult {
        public var conversation: String
        public var seconds: Int64
        public init(conversation: String, seconds: Int64) {
            self.conversation = conversation
            self.seconds = seconds
        }
        public var json: JSON { ["conversation": .string(conversation), "seconds": .int(seconds)] }
    }
}
