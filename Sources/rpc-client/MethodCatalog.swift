import VarianceRPC

/// The engine's methods and their params, from the OpenRPC document that `rpc.discover`
/// returns: what tab completion offers and what `:help METHOD` shows.
struct MethodCatalog: Sendable {
    /// One method.
    struct Method: Sendable {
        var name: String
        var summary: String
        var params: [Param]
    }

    /// One param of a method.
    struct Param: Sendable {
        var name: String
        var isRequired: Bool
        var summary: String
    }

    /// The methods, in the document's order.
    private(set) var methods: [Method] = []

    /// An empty catalog (before `rpc.discover` has answered).
    init() {}

    /// Reads `methods[].name`, `summary` and `params[].{name, required, description}`.
    init(openRPC document: JSON) {
        methods = (document["methods"]?.arrayValue ?? []).compactMap { method in
            guard let name = method["name"]?.stringValue else { return nil }
            let params = (method["params"]?.arrayValue ?? []).compactMap { param -> Param? in
                guard let paramName = param["name"]?.stringValue else { return nil }
                return Param(
                    name: paramName,
                    isRequired: param["required"]?.boolValue ?? false,
                    summary: param["description"]?.stringValue ?? param["summary"]?.stringValue ?? "")
            }
            return Method(name: name, summary: method["summary"]?.stringValue ?? "", params: params)
        }
    }

    /// The method called `name`, if the engine has it.
    func method(named name: String) -> Method? { methods.first { $0.name == name } }

    /// All method names.
    var names: [String] { methods.map(\.name) }
}
