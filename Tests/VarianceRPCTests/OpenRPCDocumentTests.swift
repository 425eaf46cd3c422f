import Testing
@testable import VarianceRPC

/// The document and the registry must name the same methods and notifications.
@Suite struct OpenRPCDocumentTests {
    private var document: JSON { OpenRPCDocument.json }

    @Test func documentIsOpenRPC1() {
        #expect(document["openrpc"]?.stringValue?.hasPrefix("1.") == true)
        #expect(document["info"]?["version"]?.stringValue == EngineVersion.version)
    }

    @Test func everyRegisteredMethodIsDocumented() {
        let documented = Set(document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        for name in RPCRegistry.methodNames {
            #expect(documented.contains(name), "\(name) is registered but missing from rpc-spec/openrpc.json")
        }
    }

    @Test func everyDocumentedMethodIsRegistered() {
        let registered = Set(RPCRegistry.methodNames)
        for method in document["methods"]?.arrayValue ?? [] {
            let name = method["name"]?.stringValue ?? "?"
            #expect(registered.contains(name), "\(name) is in rpc-spec/openrpc.json but no method is registered")
        }
    }

    @Test func notificationsMatch() {
        let documented = Set(document["x-notifications"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        #expect(documented == Set(RPCRegistry.notificationNames))
    }

    @Test func everyMethodHasResultSchemaAndNamedParams() {
        for method in document["methods"]?.arrayValue ?? [] {
            let name = method["name"]?.stringValue ?? "?"
            #expect(method["result"]?["schema"]?.objectValue != nil, "\(name) has no result schema")
            #expect(method["paramStructure"] == "by-name", "\(name) must take params by name")
            for param in method["params"]?.arrayValue ?? [] {
                #expect(param["schema"]?.objectValue != nil, "\(name): a param has no schema")
            }
        }
    }

    @Test func noDuplicateNames() {
        let names = document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(Set(names).count == names.count)
        #expect(Set(RPCRegistry.methodNames).count == RPCRegistry.methodNames.count)
    }
}
