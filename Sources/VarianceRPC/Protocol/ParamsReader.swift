/// Reads named params, turning every mistake into `-32602` with the field and the reason.
public struct ParamsReader: Sendable {
    public let object: JSONObject

    /// Accepts an object or nothing; an array (positional params) is refused.
    public init(_ params: JSON?) throws(RPCError) {
        switch params {
        case nil, .null?: object = JSONObject()
        case .object(let o)?: object = o
        case .array?: throw RPCError.positionalParams
        case let other?:
            throw RPCError.invalidParams(field: "params", reason: "must be an object, not \(other.typeName)")
        }
    }

    public func string(_ key: String) throws(RPCError) -> String {
        guard let value = try optionalString(key) else {
            throw RPCError.invalidParams(field: key, reason: "is required")
        }
        return value
    }

    public func optionalString(_ key: String) throws(RPCError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw RPCError.invalidParams(field: key, reason: "must be a string, not \(other.typeName)")
        }
    }

    public func int(_ key: String) throws(RPCError) -> Int64 {
        guard let value = try optionalInt(key) else {
            throw RPCError.invalidParams(field: key, reason: "is required")
        }
        return value
    }

    public func optionalInt(_ key: String) throws(RPCError) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            guard let i = value.intValue else {
                throw RPCError.invalidParams(field: key, reason: "must be an integer, not \(value.typeName)")
            }
            return i
        }
    }

    public func bool(_ key: String) throws(RPCError) -> Bool {
        guard let value = try optionalBool(key) else {
            throw RPCError.invalidParams(field: key, reason: "is required")
        }
        return value
    }

    public func optionalBool(_ key: String) throws(RPCError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw RPCError.invalidParams(field: key, reason: "must be a boolean, not \(other.typeName)")
        }
    }

    public func optionalStringArray(_ key: String) throws(RPCError) -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let elements)?:
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                guard case .string(let s) = element else {
                    throw RPCError.invalidParams(field: key, reason: "must be an array of strings")
                }
                strings.append(s)
            }
            return strings
        case let other?: throw RPCError.invalidParams(field: key, reason: "must be an array, not \(other.typeName)")
        }
    }
}
