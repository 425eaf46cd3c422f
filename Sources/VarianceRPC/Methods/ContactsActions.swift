/// Params `{did}` naming a contact.
public struct ContactDIDParams: RPCParams {
    public var did: String
    public init(from params: ParamsReader) throws(RPCError) {
        did = try params.string("did")
        guard did.hasPrefix("did:key:"), did.utf8.count <= 256 else {
            throw RPCError.invalidParams(field: "did", reason: "must be a did:key")
        }
    }
}

/// `contacts.fingerprint {did}`: the safety number shared with a contact.
public enum ContactsFingerprint: RPCMethod {
    public static let name = "contacts.fingerprint"
    public typealias Params = ContactDIDParams

    public struct Result: RPCResult {
        public var safetyNumber: String
        public init(safetyNumber: String) { self.safetyNumber = safetyNumber }
        public var json: JSON { ["safetyNumber": .string(safetyNumber)] }
    }
}

/// `contacts.remove {did}`: removes a contact.
public enum ContactsRemove: RPCMethod {
    public static let name = "contacts.remove"
    public typealias Params = ContactDIDParams
    public typealias Result = EmptyResult
}

/// `contacts.block {did}`: refuses the contact's messages from now on.
public enum ContactsBlock: RPCMethod {
    public static let name = "contacts.block"
    public typealias Params = ContactDIDParams
    public typealias Result = EmptyResult
}

/// `contacts.unblock {did}`: accepts the contact's messages again.
public enum ContactsUnblock: RPCMethod {
    public static let name = "contacts.unblock"
    public typealias Params = ContactDIDParams
    public typealias Result = EmptyResult
}
