/// `identity.create {username?, passphrase?}`: a new identity. The mnemonic is returned
/// here once and never again; the passphrase, if given, encrypts the identity file.
public enum IdentityCreate: RPCMethod {
    public static let name = "identity.create"

    public struct Params: RPCParams {
        public var username: String?
        public var passphrase: String?

        public init(from params: ParamsReader) throws(RPCError) {
            username = try params.optionalString("username")
            passphrase = try params.optionalString("passphrase")
            try IdentityParams.check(username: username)
            try IdentityParams.check(passphrase: passphrase)
        }
    }

    public struct Result: RPCResult {
        public var did: String
        public var peerId: String
        public var username: String?
        public var mnemonic: [String]

        public init(did: String, peerId: String, username: String?, mnemonic: [String]) {
            self.did = did
            self.peerId = peerId
            self.username = username
            self.mnemonic = mnemonic
        }

        public var json: JSON {
            var object: JSONObject = ["did": .string(did), "peerId": .string(peerId)]
            if let username { object["username"] = .string(username) }
            object["mnemonic"] = .array(mnemonic.map(JSON.string))
            return .object(object)
        }
    }
}

/// Checks shared by the identity methods.
enum IdentityParams {
    static func check(username: String?) throws(RPCError) {
        guard let username else { return }
        let valid = (1...32).contains(username.utf8.count) && username.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard valid else {
            throw RPCError.invalidParams(
                field: "username", reason: "must be 1 to 32 characters of a-z, 0-9, '.', '_' or '-'")
        }
    }

    static func check(passphrase: String?) throws(RPCError) {
        guard let passphrase else { return }
        guard !passphrase.isEmpty else {
            throw RPCError.invalidParams(field: "passphrase", reason: "must not be empty; leave it out for no passphrase")
        }
        guard passphrase.utf8.count <= 1024 else {
            throw RPCError.invalidParams(field: "passphrase", reason: "must be at most 1024 bytes")
        }
    }
}
