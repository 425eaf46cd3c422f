import Testing
@testable import VarianceRPC

@Suite struct RPCIncomingTests {
    private func classify(_ text: String) throws -> RPCIncoming {
        RPCIncoming.classify(try JSONParser.parse(text))
    }

    @Test func classifiesRequestsAndNotifications() throws {
        #expect(try classify(#"{"jsonrpc":"2.0","id":1,"method":"engine.info"}"#)
            == .request(id: .int(1), method: "engine.info", params: nil))
        #expect(try classify(#"{"jsonrpc":"2.0","id":"x","method":"m","params":{"a":1}}"#)
            == .request(id: .string("x"), method: "m", params: ["a": 1]))
        #expect(try classify(#"{"jsonrpc":"2.0","method":"m"}"#) == .notification(method: "m", params: nil))
    }

    @Test func recoversTheIdOfInvalidRequests() throws {
        guard case .invalid(let id, let error) = try classify(#"{"jsonrpc":"1.0","id":7,"method":"m"}"#) else {
            Issue.record("expected invalid")
            return
        }
        #expect(id == .int(7))
        #expect(error.code == RPCErrorCode.invalidRequest)
        guard case .invalid(let id2, _) = try classify(#"{"jsonrpc":"2.0","id":"q","method":5}"#) else {
            Issue.record("expected invalid")
            return
        }
        #expect(id2 == .string("q"))
    }

    @Test(arguments: [
        "1", "\"x\"", "null", #"{"jsonrpc":"2.0","id":{},"method":"m"}"#, #"{"jsonrpc":"2.0","id":1}"#,
        #"{"jsonrpc":"2.0","id":1,"method":"m","params":3}"#, #"{"id":1,"method":"m"}"#,
        #"{"jsonrpc":"2.0","id":null,"method":"m"}"#,
    ])
    func refusesInvalidRequests(_ text: String) throws {
        guard case .invalid(_, let error) = try classify(text) else {
            Issue.record("expected invalid for \(text)")
            return
        }
        #expect(error.code == RPCErrorCode.invalidRequest)
    }

    @Test func paramsReaderNamesTheField() throws {
        let reader = try ParamsReader(["after": "x"])
        do {
            _ = try reader.int("after")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == RPCErrorCode.invalidParams)
            #expect(error.data?["field"] == "after")
        }
        #expect(throws: RPCError.positionalParams) { try ParamsReader([1, 2]) }
    }

    @Test func identityParamsAreChecked() throws {
        #expect(throws: RPCError.self) { try IdentityCreate.decodeParams(["username": "Not Valid!"]) }
        #expect(throws: RPCError.self) { try IdentityCreate.decodeParams(["passphrase": ""]) }
        #expect(throws: RPCError.self) { try IdentityRecover.decodeParams(["mnemonic": "only three words"]) }
        let words = Array(repeating: "abandon", count: 24)
        let fromString = try IdentityRecover.decodeParams(["mnemonic": .string(words.joined(separator: " "))])
        #expect(fromString.mnemonic == words)
        let fromArray = try IdentityRecover.decodeParams(["mnemonic": .array(words.map(JSON.string))])
        #expect(fromArray.mnemonic == words)
    }

    @Test func replyFramesHaveTheContractShape() {
        #expect(RPCFrame.result(id: .int(3), ["ok": true]).compactString == #"{"jsonrpc":"2.0","id":3,"result":{"ok":true}}"#)
        #expect(RPCFrame.error(id: nil, .cancelled).compactString
            == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32800,"message":"The request was cancelled."}}"#)
    }
}
