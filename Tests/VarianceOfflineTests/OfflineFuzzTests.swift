import Testing
@testable import VarianceOffline

@Suite struct OfflineFuzzTests {
    /// The seeds of `Tests/FuzzCorpus/offline` (and mutations of them) run through the fuzz
    /// entry point without trapping.
    @Test func seedsAndMutationsNeverTrap() throws {
        let directory = String(#filePath.split(separator: "/").dropLast(2).joined(separator: "/")) + "/FuzzCorpus/offline"
        let names = ["deposit-body", "ack-body", "deposit-stream", "fetch-stream", "fetch-stream-after-proof", "deposit-stream-after-proof"]
        var generator = SeededGenerator(seed: 11)
        for name in names {
            let seed = try readFile("/" + directory + "/" + name)
            #expect(!seed.isEmpty)
            OfflineServerSession.fuzz(seed)
            for _ in 0..<300 {
                var mutated = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                OfflineServerSession.fuzz(mutated)
            }
        }
    }
}
