import Foundation
import Testing
import VarianceRPC

/// Replays every transcript in Tests/Transcripts against real engine processes.
@Suite(.serialized) struct TranscriptTests {
    static let directory = Binaries.repositoryRoot.appendingPathComponent("Tests/Transcripts")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".transcript") }.sorted()
    }

    @Test func thereAreAtLeastTwelveTranscripts() {
        #expect(Self.names.count >= 12)
    }

    @Test(arguments: TranscriptTests.names)
    func replay(_ name: String) async throws {
        let transcript = try Transcript.load(Self.directory.appendingPathComponent(name))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("variance-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let document = try JSONParser.parse(Data(contentsOf: Binaries.repositoryRoot.appendingPathComponent("rpc-spec/openrpc.json")))
        // The runner blocks while it waits for engines: keep it off the cooperative pool.
        let failures = await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: TranscriptRunner(transcript: transcript, workDirectory: work, document: document).run())
            }.start()
        }
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
    }

    @Test func matcherCapturesAndCompares() throws {
        var captures: [String: JSON] = [:]
        #expect(TranscriptRunner.match(["did": "$DID", "n": 1], ["did": "did:key:z1", "n": 1], &captures))
        #expect(captures["DID"] == "did:key:z1")
        #expect(!TranscriptRunner.match(["did": "$DID"], ["did": "did:key:z2"], &captures))
        #expect(!TranscriptRunner.match(["a": 1], ["a": 1, "b": 2], &captures))
        #expect(TranscriptRunner.match(["a": 1, "$more": "*"], ["a": 1, "b": 2], &captures))
        #expect(!TranscriptRunner.match([1, "$*"], [1], &captures))
    }

    @Test func validatorRejectsWhatTheSchemaForbids() throws {
        let document = try JSONParser.parse(Data(contentsOf: Binaries.repositoryRoot.appendingPathComponent("rpc-spec/openrpc.json")))
        let validator = SchemaValidator(document: document)
        let schema = try #require(validator.resultSchema(of: "engine.info"))
        #expect(validator.validate(["version": "1", "protocolVersion": 1, "dataDir": "/x", "identity": "ready"], against: schema).isEmpty)
        #expect(!validator.validate(["version": "1", "protocolVersion": 1, "dataDir": "/x", "identity": "maybe"], against: schema).isEmpty)
        #expect(!validator.validate(["version": "1", "protocolVersion": 1, "dataDir": "/x"], against: schema).isEmpty)
        #expect(!validator.validate(["version": "1", "protocolVersion": 1, "dataDir": "/x", "identity": "none", "extra": 1], against: schema).isEmpty)
    }
}
