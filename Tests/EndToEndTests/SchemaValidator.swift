import Foundation
import VarianceRPC

/// A JSON Schema validator for the subset the OpenRPC document uses: type, properties,
/// required, additionalProperties, items, enum, const, oneOf, anyOf, minimum, maximum,
/// minItems, maxItems, minLength, pattern, and `$ref` into `#/components/schemas`.
/// An unknown keyword fails loudly, so the document cannot drift past what is checked.
struct SchemaValidator {
    let document: JSON

    private static let known: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "oneOf", "anyOf",
        "minimum", "maximum", "minItems", "maxItems", "minLength", "pattern", "$ref", "description", "default",
        "title",
    ]

    /// Returns the problems found (empty when `value` is valid), each with a JSON path.
    func validate(_ value: JSON, against schema: JSON, path: String = "$") -> [String] {
        guard let schema = schema.objectValue else { return ["\(path): schema is not an object"] }
        var problems: [String] = []
        for key in schema.keys where !Self.known.contains(key) {
            problems.append("\(path): schema keyword '\(key)' is not supported by the validator")
        }
        if let ref = schema["$ref"]?.stringValue {
            let name = ref.replacingOccurrences(of: "#/components/schemas/", with: "")
            guard let target = document["components"]?["schemas"]?[name] else { return ["\(path): unresolved \(ref)"] }
            problems += validate(value, against: target, path: path)
        }
        if let type = schema["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !allowed.contains(where: { matches(value, type: $0) }) {
                return problems + ["\(path): expected \(allowed.joined(separator: "|")), got \(value.typeName)"]
            }
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            problems.append("\(path): \(value.compactString) is not one of \(JSON.array(options).compactString)")
        }
        if let constant = schema["const"], constant != value {
            problems.append("\(path): expected \(constant.compactString)")
        }
        if let alternatives = schema["oneOf"]?.arrayValue {
            let passing = alternatives.filter { validate(value, against: $0, path: path).isEmpty }.count
            if passing != 1 { problems.append("\(path): matches \(passing) of the oneOf alternatives, not 1") }
        }
        if let alternatives = schema["anyOf"]?.arrayValue,
            !alternatives.contains(where: { validate(value, against: $0, path: path).isEmpty })
        {
            problems.append("\(path): matches none of the anyOf alternatives")
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                problems.append("\(path): missing required '\(name)'")
            }
            for member in object.members {
                if let sub = properties[member.key] {
                    problems += validate(member.value, against: sub, path: "\(path).\(member.key)")
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(path): unexpected member '\(member.key)'")
                } else if let extra = schema["additionalProperties"], extra.objectValue != nil {
                    problems += validate(member.value, against: extra, path: "\(path).\(member.key)")
                }
            }
        case .array(let elements):
            if let min = schema["minItems"]?.intValue, elements.count < min { problems.append("\(path): fewer than \(min) items") }
            if let max = schema["maxItems"]?.intValue, elements.count > max { problems.append("\(path): more than \(max) items") }
            if let items = schema["items"] {
                for (i, element) in elements.enumerated() { problems += validate(element, against: items, path: "\(path)[\(i)]") }
            }
        case .string(let string):
            if let min = schema["minLength"]?.intValue, string.count < min { problems.append("\(path): shorter than \(min)") }
            if let pattern = schema["pattern"]?.stringValue,
                string.range(of: pattern, options: .regularExpression) == nil
            {
                problems.append("\(path): \"\(string)\" does not match \(pattern)")
            }
        case .int, .double:
            let number = value.doubleValue!
            if let min = schema["minimum"]?.doubleValue, number < min { problems.append("\(path): below \(min)") }
            if let max = schema["maximum"]?.doubleValue, number > max { problems.append("\(path): above \(max)") }
        default:
            break
        }
        return problems
    }

    private func matches(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .int), ("number", .double), ("integer", .int):
            true
        case ("integer", .double(let d)): d.rounded() == d
        default: false
        }
    }

    /// The result schema of `method`, if documented.
    func resultSchema(of method: String) -> JSON? {
        document["methods"]?.arrayValue?.first { $0["name"]?.stringValue == method }?["result"]?["schema"]
    }

    /// The params schema of notification `method`, if documented.
    func notificationSchema(of method: String) -> JSON? {
        document["x-notifications"]?.arrayValue?.first { $0["name"]?.stringValue == method }?["params"]
    }
}
