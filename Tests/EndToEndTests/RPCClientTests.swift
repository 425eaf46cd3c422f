import Subprocess
import Testing
import VarianceRPC

/// `rpc-client` end to end: the built binary, driving the real `variance-engine`.
@Suite("rpc-client")
struct RPCClientTests {
    @Test func callEngineInfoOnAFreshDataDirectory() async throws {
        let data = try ScratchDirectory()
        let run = try await RPCClientRun.run(["call", "engine.info", "--data-dir", data.path])
        #expect(run.exitCode == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains(#""identity": "none""#))
        let info = try JSONParser.parse(run.standardOutput)
        #expect(info["identity"] == "none")
        #expect(info["dataDir"]?.stringValue?.hasSuffix(data.path.split(separator: "/").last.map(String.init) ?? "") == true)
    }

    @Test func callOfAnUnknownMethodExits1WithTheMessageOnStandardError() async throws {
        let data = try ScratchDirectory()
        let run = try await RPCClientRun.run(["call", "no.such.method", "--data-dir", data.path])
        #expect(run.exitCode == 1)
        #expect(run.standardError.contains("no.such.method"))
        #expect(run.standardOutput.isEmpty)
    }

    @Test func identityCreatedByOneCallIsShownByTheNext() async throws {
        let data = try ScratchDirectory()
        let created = try await RPCClientRun.run(
            ["call", "identity.create", "username=alice", "--compact", "--data-dir", data.path])
        #expect(created.exitCode == 0, "\(created.standardError)")
        #expect(!created.standardOutput.dropLast().contains("\n"), "--compact prints one line")
        let did = try JSONParser.parse(created.standardOutput)["did"]?.stringValue
        #expect(did?.hasPrefix("did:key:z6Mk") == true)

        let shown = try await RPCClientRun.run(["call", "identity.show", "--data-dir", data.path])
        #expect(shown.exitCode == 0, "\(shown.standardError)")
        let identity = try JSONParser.parse(shown.standardOutput)
        #expect(identity["did"]?.stringValue == did)
        #expect(identity["username"] == "alice")
    }

    @Test func pipedLinesGetOneCompactReplyLineEach() async throws {
        let data = try ScratchDirectory()
        let input = """
            engine.info
            {"jsonrpc": "2.0", "id": "show", "method": "identity.show"}

            """
        let run = try await RPCClientRun.run(["--data-dir", data.path], input: input)
        #expect(run.exitCode == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let replies = try lines.map { try JSONParser.parse($0) }
        let info = try #require(replies.first { $0["id"] == 1 })
        #expect(info["result"]?["identity"] == "none")
        let show = try #require(replies.first { $0["id"] == "show" })
        #expect(show["error"]?["code"] == .int(Int64(RPCErrorCode.noIdentity)))
    }

    @Test func anExactEngineCommandLineAfterDoubleDash() async throws {
        let data = try ScratchDirectory()
        let run = try await RPCClientRun.run(
            ["call", "engine.info", "--compact", "--", RPCClientBinaries.engine, "--data-dir", data.path])
        #expect(run.exitCode == 0, "\(run.standardError)")
        #expect(try JSONParser.parse(run.standardOutput)["identity"] == "none")
    }

    @Test func usageErrorsExit2() async throws {
        let noMethod = try await RPCClientRun.run(["call"])
        #expect(noMethod.exitCode == 2)
        let notKeyValue = try await RPCClientRun.run(["call", "engine.info", "oops"])
        #expect(notKeyValue.exitCode == 2)
        #expect(notKeyValue.standardError.contains("'oops' is not key=value"))
        let both = try await RPCClientRun.run(["call", "engine.info", "--data-dir", "/tmp", "--", "true"])
        #expect(both.exitCode == 2)
    }

    @Test func anEngineThatCannotStartOrDiesExits3() async throws {
        let missing = try await RPCClientRun.run(["call", "engine.info", "--engine", "/nonexistent/variance-engine"])
        #expect(missing.exitCode == 3)
        #expect(missing.standardError.contains("/nonexistent/variance-engine"))
        let dies = try await RPCClientRun.run(["call", "engine.info", "--", "false"])
        #expect(dies.exitCode == 3)
        #expect(dies.standardError.contains("before it was ready"))
    }

    /// The line syntax, through `--dry-run` (which prints each request and starts nothing).
    @Test func lineSyntaxBecomesTheseRequests() async throws {
        let cases: [(line: String, request: String)] = [
            ("engine.info", #"{"jsonrpc":"2.0","id":1,"method":"engine.info"}"#),
            (
                #"m n=5 f=1.5 t=true z=null a=[1, "x y"] o={"k": [1]} s="two words" u=007 w=plain"#,
                #"{"jsonrpc":"2.0","id":2,"method":"m","params":{"n":5,"f":1.5,"t":true,"z":null,"a":[1,"x y"],"o":{"k":[1]},"s":"two words","u":"007","w":"plain"}}"#
            ),
            (#"m q='say "hi"' n='42' j:=[1] d=did:key:z6Mk text=it's"#,
             #"{"jsonrpc":"2.0","id":3,"method":"m","params":{"q":"say \"hi\"","n":"42","j":[1],"d":"did:key:z6Mk","text":"it's"}}"#),
            (#"m {"a": 1} b=2"#, #"{"jsonrpc":"2.0","id":4,"method":"m","params":{"a":1,"b":2}}"#),
            (#"{"method": "x", "params": {}}"#, #"{"jsonrpc":"2.0","id":5,"method":"x","params":{}}"#),
            (#"{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}}"#,
             #"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#),
            (#"[{"method": "a"}, {"id": "k", "method": "b"}]"#,
             #"[{"jsonrpc":"2.0","id":6,"method":"a"},{"jsonrpc":"2.0","id":"k","method":"b"}]"#),
            ("# a comment", ""),
            ("", ""),
        ]
        let run = try await RPCClientRun.run(["--dry-run"], input: cases.map(\.line).joined(separator: "\n") + "\n")
        #expect(run.exitCode == 0, "\(run.standardError)")
        let printed = run.standardOutput.split(separator: "\n").map { try? JSONParser.parse(String($0)) }
        let expected = cases.filter { !$0.request.isEmpty }.map { try? JSONParser.parse($0.request) }
        #expect(printed == expected)
    }

    @Test func badLinesAreReportedWithTheirNumbers() async throws {
        let input = "engine.info\nm key\nm k:=nope\nm t=\"open\n{not json\n"
        let run = try await RPCClientRun.run(["--dry-run"], input: input)
        #expect(run.exitCode == 2)
        #expect(run.standardOutput.split(separator: "\n").count == 1)
        for number in 2...5 { #expect(run.standardError.contains("line \(number):")) }
    }
}
