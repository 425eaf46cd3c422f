/// `identity.unlock {passphrase}`: opens a passphrase-protected identity.
public enum IdentityUnlock: RPCMethod {
    public static let name = "identity.unlock"

    public struct Params: RPCParams {
        public var passphrase: String
        public init(from params: ParamsReader) throws(RPCError) {
            passphrase = try params.string("passphrase")
        }
    }

    public struct Result: RPCResult {
        public var did: String
        public init(did: String) { self.did = did }
        public var json: JSON { ["did": .string(did)] }
    }
}
