/// Params `{name}` naming a username (a leading `@` is allowed; normalized by the engine).
public struct UsernameParams: RPCParams {
    public var name: String
    public init(from params: ParamsReader) throws(RPCError) {
        name = try params.string("name")
        guard !name.isEmpty, name.utf8.count <= 64 else {
            throw RPCError.invalidParams(field: "name", reason: "must be 3 to 32 of a-z, 0-9 and _, starting with a letter")
        }
    }
}

/// `username.register {name}`: claims a name for our DID in the DHT (first come, first
/// served; -32005 when another DID holds it).
public enum UsernameRegister: RPCMethod {
    public static let name = "username.register"
    public typealias Params = UsernameParams

    public struct Result: RPCResult {
        public var name: String
        public var did: String
        public init(name: String, did: String) {
            self.name = name
            self.did = did
        }
        public var json: JSON { ["name": .string(name), "did": .string(did)] }
    }
}

/// `username.resolve {name}`: the DID holding a name and its peer IDs, verified.
public enum UsernameResolve: RPCMethod {
    public static let name = "username.resolve"
    public typealias Params = UsernameParams

    public struct Result: RPCResult {
        public var name: String
        public var did: String
        public var peerIds: [String]
        public init(name: String, did: String, peerIds: [String]) {
            self.name = name
            self.did = did
            self.peerIds = peerIds
        }
        public var json: JSON {
            ["name": .string(name), "did": .string(did), "peerIds": .array(peerIds.map { .string($0) })]
        }
    }
}
