import Foundation
import Testing
import VarianceRPC
@testable import VarianceRPCServer

@Suite(.timeLimit(.minutes(2))) struct RPCServerTests {
    private func harness(limits: RPCServer.Limits = RPCServer.Limits()) -> (ServerHarness, OrderLog) {
        let log = OrderLog()
        return (ServerHarness(methods: TestMethods.table(log: log), limits: limits), log)
    }

    private func request(_ id: JSON, _ method: String, _ params: JSON? = nil) -> String {
        var object: JSONObject = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
        if let params { object["params"] = params }
        return JSON.object(object).compactString + "\n"
    }

    @Test func answersInlineRequestsWithTheSameId() async throws {
        let (h, _) = harness()
        h.send(request(1, "test.echo", ["value": "hi"]))
        h.send(request("abc", "test.echo", ["value": [1, 2]]))
        let first = try #require(await h.next())
        #expect(first == ["jsonrpc": "2.0", "id": 1, "result": "hi"])
        let second = try #require(await h.next())
        #expect(second["id"] == "abc")
        #expect(second["result"] == [1, 2])
        #expect(await h.closeInput())
    }

    @Test func malformedLinesGetNullIdErrorsAndReadingGoesOn() async throws {
        let (h, _) = harness()
        h.send("this is not json\n")
        h.send([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D, 0x0A])  // {"\xFF\xFE":1}
        h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n")  // truncated JSON
        h.send(request(2, "test.echo", ["value": "still here"]))
        let errors = await h.collect(3)
        #expect(errors.count == 3)
        for error in errors {
            #expect(error["id"] == .null)
            #expect(error["error"]?["code"] == .int(Int64(RPCErrorCode.parseError)))
        }
        #expect(errors[1]["error"]?["message"]?.stringValue?.contains("UTF-8") == true)
        #expect(await h.next()?["result"] == "still here")
        #expect(await h.closeInput())
    }

    @Test func oversizedLinesAreAnsweredAndSkipped() async throws {
        var limits = RPCServer.Limits()
        limits.maxMessageBytes = 1024
        let (h, _) = harness(limits: limits)
        h.send(request(1, "test.echo", ["value": .string(String(repeating: "x", count: 5000))]))
        h.send(request(2, "test.echo", ["value": "ok"]))
        let error = try #require(await h.next())
        #expect(error["id"] == .null)
        #expect(error["error"]?["code"] == .int(Int64(RPCErrorCode.parseError)))
        #expect(await h.next()?["id"] == 2)
        #expect(await h.closeInput())
    }

    @Test func unknownMethodsAndBadParamsGetOneErrorEach() async throws {
        let (h, _) = harness()
        h.send(request(1, "no.such"))
        h.send(request(2, "test.echo", [1, 2]))
        h.send(request(3, "test.slow", ["millis": "soon"]))
        h.send(#"{"jsonrpc":"2.0","id":4}"# + "\n")
        let replies = await h.collect(4)
        let byID = Dictionary(uniqueKeysWithValues: replies.map { ($0["id"]!.intValue!, $0) })
        #expect(byID[1]?["error"]?["code"] == .int(-32601))
        #expect(byID[1]?["error"]?["message"]?.stringValue?.contains("no.such") == true)
        #expect(byID[2]?["error"]?["code"] == .int(-32602))
        #expect(byID[3]?["error"]?["code"] == .int(-32602))
        #expect(byID[3]?["error"]?["data"]?["field"] == "millis")
        #expect(byID[4]?["error"]?["code"] == .int(-32600))
        #expect(await h.closeInput())
        #expect(await h.nextLine(timeout: 0.2) == nil)
    }

    @Test func batchesAreAnsweredAsOneArray() async throws {
        let (h, _) = harness()
        h.send(#"[{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"value":1}},"#
            + #"{"jsonrpc":"2.0","method":"test.echo","params":{"value":2}},"#
            + #"{"jsonrpc":"2.0","id":3,"method":"test.slow","params":{"millis":50,"tag":"s"}},"#
            + #"5]"# + "\n")
        let batch = try #require(await h.next()?.arrayValue)
        #expect(batch.count == 3)
        #expect(batch.contains { $0["id"] == 1 && $0["result"] == 1 })
        #expect(batch.contains { $0["id"] == 3 && $0["result"] == "s" })
        #expect(batch.contains { $0["id"] == .null && $0["error"]?["code"] == .int(-32600) })
        h.send("[]\n")
        #expect(await h.next()?["error"]?["code"] == .int(-32600))
        // A batch of notifications only gets no reply: the next line is the echo's.
        h.send(#"[{"jsonrpc":"2.0","method":"test.echo"}]"# + "\n" + request(9, "test.echo", ["value": "after"]))
        #expect(await h.next()?["id"] == 9)
        #expect(await h.closeInput())
    }

    @Test func requestsRunConcurrently() async throws {
        let (h, _) = harness()
        h.send(request(1, "test.slow", ["millis": 500, "tag": "slow"]))
        h.send(request(2, "test.echo", ["value": "fast"]))
        #expect(await h.next()?["id"] == 2)
        #expect(await h.next()?["id"] == 1)
        #expect(await h.closeInput())
    }

    @Test func requestsInOneLaneRunInArrivalOrder() async throws {
        let (h, log) = harness()
        h.send(request(1, "test.slow", ["millis": 300, "lane": "conv-a", "tag": "a1"]))
        h.send(request(2, "test.slow", ["millis": 0, "lane": "conv-a", "tag": "a2"]))
        h.send(request(3, "test.slow", ["millis": 0, "lane": "conv-b", "tag": "b1"]))
        _ = await h.collect(3)
        let order = log.all
        #expect(order.firstIndex(of: "a1")! < order.firstIndex(of: "a2")!)
        #expect(order.first == "b1", "another lane is not held up")
        #expect(await h.closeInput())
    }

    @Test func cancellationAnswersOnceWithMinus32800() async throws {
        let (h, _) = harness()
        h.send(request(5, "test.slow", ["millis": 60_000, "tag": "never"]))
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":5}}"# + "\n")
        let reply = try #require(await h.next(timeout: 10))
        #expect(reply["id"] == 5)
        #expect(reply["error"]?["code"] == .int(-32800))
        // Cancelling again, or an unknown id, does nothing; the next reply is the echo's.
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":5}}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"nope"}}"# + "\n")
        h.send(request(6, "test.echo", ["value": "x"]))
        #expect(await h.next()?["id"] == 6)
        #expect(await h.closeInput(timeout: 10))
        #expect(await h.nextLine(timeout: 0.3) == nil, "no second reply for id 5")
    }

    @Test func duplicateIdsInFlightAreRefused() async throws {
        let (h, _) = harness()
        h.send(request(7, "test.slow", ["millis": 300, "tag": "first"]))
        h.send(request(7, "test.slow", ["millis": 0, "tag": "second"]))
        let refusal = try #require(await h.next())
        #expect(refusal["id"] == 7)
        #expect(refusal["error"]?["code"] == .int(-32600))
        #expect(await h.next()?["result"] == "first")
        #expect(await h.closeInput())
    }

    @Test func inFlightRequestsAreBounded() async throws {
        var limits = RPCServer.Limits()
        limits.maxInFlight = 2
        let (h, _) = harness(limits: limits)
        for id in 1...3 { h.send(request(.int(Int64(id)), "test.slow", ["millis": 300, "tag": "t"])) }
        let first = try #require(await h.next())
        #expect(first["id"] == 3)
        #expect(first["error"]?["code"] == .int(-32004))
        #expect(await h.collect(2).count == 2)
        #expect(await h.closeInput())
    }

    @Test func endOfInputAnswersEveryRequestReadFirst() async throws {
        let (h, _) = harness()
        var burst = ""
        for id in 1...300 { burst += request(.int(Int64(id)), "test.slow", ["millis": .int(Int64(id % 20)), "tag": "t"]) }
        for id in 301...600 { burst += request(.int(Int64(id)), "test.echo", ["value": .int(Int64(id))]) }
        h.send(burst)
        #expect(await h.closeInput())
        var ids = Set<Int64>()
        while let reply = await h.next(timeout: 5) { ids.insert(reply["id"]!.intValue!) }
        #expect(ids == Set(1...600))
    }

    @Test func contentLengthRequestsAreAnsweredInKind() async throws {
        let (h, _) = harness()
        let body = JSON.object(["jsonrpc": "2.0", "id": 1, "method": "test.echo", "params": ["value": "lsp"]]).compactString
        h.send("Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let expected = #"{"jsonrpc":"2.0","id":1,"result":"lsp"}"#
        let header = "Content-Length: \(expected.utf8.count)\r\n\r\n"
        let bytes = try #require(await h.nextBytes(header.utf8.count + expected.utf8.count))
        #expect(String(decoding: bytes, as: UTF8.self) == header + expected)
        // And NDJSON right after, on the same stream.
        h.send(request(2, "test.echo", ["value": "ndjson"]))
        #expect(await h.next()?["result"] == "ndjson")
        #expect(await h.closeInput())
    }

    @Test func finalLineWithoutNewlineIsAnswered() async throws {
        let (h, _) = harness()
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"value":"last"}}"#)
        #expect(await h.closeInput())
        #expect(await h.next()?["result"] == "last")
    }

    @Test func notificationsFollowTheSubscription() async throws {
        let (h, _) = harness()
        h.server.notify(method: "identity.changed", params: ["seq": 1])
        #expect(await h.next()?["method"] == "identity.changed")
        h.server.subscribe(kinds: ["engine.ready"])
        h.server.notify(method: "identity.changed", params: ["seq": 2])
        h.send(request(1, "test.echo", ["value": 1]))
        #expect(await h.next()?["id"] == 1, "the filtered notification was not pushed")
        h.server.subscribe(kinds: nil)
        h.server.notify(method: "identity.changed", params: ["seq": 3])
        #expect(await h.next()?["params"]?["seq"] == 3)
        #expect(await h.closeInput())
    }
}
