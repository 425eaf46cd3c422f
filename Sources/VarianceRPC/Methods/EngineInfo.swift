/// `engine.info`: version, data directory and identity state. Cheap: answered inline.
public enum EngineInfo: RPCMethod {
    public static let name = "engine.info"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var version: String
        public var protocolVersion: Int
        public var dataDir: String
        /// `"none"`, `"locked"` or `"ready"`.
        public var identity: String

        public init(version: String, protocolVersion: Int, dataDir: String, identity: String) {
            self.version = version
            self.protocolVersion = protocolVersion
            self.dataDir = dataDir
            self.identity = identity
        }

        public var json: JSON {
            ["version": .string(version), "protocolVersion": .int(Int64(protocolVersion)),
             "dataDir": .string(dataDir), "identity": .string(identity)]
        }
    }
}
