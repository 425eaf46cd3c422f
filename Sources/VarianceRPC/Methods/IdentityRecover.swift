/// `identity.recover {mnemonic, passphrase?, username?}`: the identity of a 24-word phrase,
/// the same DID that `identity.create` gave. `mnemonic` is an array of words or one string
/// of words separated by spaces.
public enum IdentityRecover: RPCMethod {
    public static let name = "identity.recover"

    public struct Params: RPCParams {
        public var mnemonic: [String]
        public var passphrase: String?
        public var username: String?

        public init(from params: ParamsReader) throws(RPCError) {
            switch params.object["mnemonic"] {
            case .string(let s)?:
                mnemonic = s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
            case .array?:
                mnemonic = try params.optionalStringArray("mnemonic") ?? []
            case nil, .null?:
                throw RPCError.invalidParams(field: "mnemonic", reason: "is required")
            case let other?:
                throw RPCError.invalidParams(field: "mnemonic", reason: "must be an array of words or a string, not \(other.typeName)")
            }
            guard mnemonic.count == 24 else {
                throw RPCError.invalidParams(field: "mnemonic", reason: "must have 24 words, not \(mnemonic.count)")
            }
            passphrase = try params.optionalString("passphrase")
            username = try params.optionalString("username")
            try IdentityParams.check(username: username)
            try IdentityParams.check(passphrase: passphrase)
        }
    }

    public struct Result: RPCResult {
        public var did: String
        public var peerId: String
        public init(did: String, peerId: String) {
            self.did = did
            self.peerId = peerId
        }
        public var json: JSON { ["did": .string(did), "peerId": .string(peerId)] }
    }
}
