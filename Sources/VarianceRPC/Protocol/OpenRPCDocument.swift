/// The OpenRPC document (`rpc-spec/openrpc.json`), compiled into the binary.
public enum OpenRPCDocument {
    /// The document's bytes, exactly as in the repository.
    public static var bytes: [UInt8] { PackageResources.openrpc_json }

    /// The document, parsed once on first use.
    public static let json: JSON = {
        do { return try JSONParser.parse(PackageResources.openrpc_json) } catch {
            // The document is checked by tests; a broken one is a build defect.
            preconditionFailure("rpc-spec/openrpc.json is not valid JSON: \(error)")
        }
    }()
}
