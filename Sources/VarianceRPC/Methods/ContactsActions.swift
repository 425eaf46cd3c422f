/// Params `{did}` naming a contact: its DID, or `@name`.
public struct ContactDIDParams: RPCParams {
    public var did: String
    public init(from params: ParamsReader) throws(RPCError) {
        did = try Person.check(try params.string("did"), field: "did")
    }
}

/// Where a method takes a person: a DID (`did:key:…`) or `@name` of a contact.
public enum Person {
    public static func check(_ text: String, field: String) throws(RPCError) -> String {
        if text.hasPrefix("did:key:"), text.utf8.count <= 256 { return text }
        if text.hasPrefix("@"), (2...65).contains(text.count) { return text }
        throw RPCError.invalidParams(field: field, reason: "must be a did:key or the @name of a contact")
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
