/// `identity.show`: the public facts of the unlocked identity.
public enum IdentityShow: RPCMethod {
    public static let name = "identity.show"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var did: String
        public var peerId: String
        public var username: String?
        public var fingerprint: String
        /// RFC 3339 UTC.
        public var createdAt: String

        public init(did: String, peerId: String, username: String?, fingerprint: String, createdAt: String) {
            self.did = did
            self.peerId = peerId
            self.username = username
            self.fingerprint = fingerprint
            self.createdAt = createdAt
        }

        public var json: JSON {
            var object: JSONObject = ["did": .string(did), "peerId": .string(peerId)]
            if let username { object["username"] = .string(username) }
            object["fingerprint"] = .string(fingerprint)
            object["createdAt"] = .string(createdAt)
            return .object(object)
        }
    }
}
