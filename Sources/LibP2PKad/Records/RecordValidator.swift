/// Decides which records a node stores and which of several it prefers (libp2p kad-dht,
/// "Entry validation"). Both functions must be pure and `select` stable.
///
/// A DHT that accepts any record is a spam store; validate by key namespace with
/// ``NamespacedRecordValidator``.
public protocol RecordValidator: Sendable {
    /// Checks one record.
    ///
    /// - Parameters:
    ///   - key: The record key.
    ///   - value: The record value.
    /// - Throws: ``KadError/invalidRecord`` when the record must not be stored or returned.
    func validate(key: [UInt8], value: [UInt8]) throws(KadError)

    /// Picks the best of two or more valid records for the same key (e.g. the highest
    /// sequence number).
    ///
    /// - Parameters:
    ///   - key: The record key.
    ///   - values: At least one value, each already validated.
    /// - Returns: The index of the best value.
    func select(key: [UInt8], values: [[UInt8]]) -> Int
}

/// Dispatches on the key's namespace, the text between the first two slashes
/// (`/pk/…`, `/ipns/…`, `/variance/…`); keys of any other namespace are refused.
public struct NamespacedRecordValidator: RecordValidator {
    /// The validator of each namespace.
    public var namespaces: [String: any RecordValidator]

    /// A validator for the given namespaces.
    ///
    /// - Parameter namespaces: Namespace name (without slashes) to validator.
    public init(_ namespaces: [String: any RecordValidator]) {
        self.namespaces = namespaces
    }

    /// The namespace of a key, or nil if the key is not `/<namespace>/<rest>`.
    public static func namespace(of key: [UInt8]) -> String? {
        guard key.first == UInt8(ascii: "/") else { return nil }
        guard let end = key.dropFirst().firstIndex(of: UInt8(ascii: "/")), end > 1 else { return nil }
        return String(validating: key[1..<end], as: UTF8.self)
    }

    private func validator(for key: [UInt8]) -> (any RecordValidator)? {
        Self.namespace(of: key).flatMap { namespaces[$0] }
    }

    /// Validates with the namespace's validator; an unknown namespace is invalid.
    public func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
        guard let validator = validator(for: key) else { throw .invalidRecord }
        try validator.validate(key: key, value: value)
    }

    /// Selects with the namespace's validator (the first value for an unknown namespace).
    public func select(key: [UInt8], values: [[UInt8]]) -> Int {
        validator(for: key)?.select(key: key, values: values) ?? 0
    }
}

/// Accepts every record and keeps the first one stored (py-libp2p's behaviour for plain
/// keys). For closed networks and tests only, under a private namespace.
public struct FirstWriteWinsValidator: RecordValidator {
    /// The validator.
    public init() {}

    /// Accepts the record.
    public func validate(key: [UInt8], value: [UInt8]) throws(KadError) {}

    /// Always the first value (the one already held).
    public func select(key: [UInt8], values: [[UInt8]]) -> Int { 0 }
}
