import Foundation
import Testing
import VarianceRPC

/// End of input right after a request that runs as a task: the reply must still come out
/// before the engine exits. (A drain that counted the request done before its reply was
/// written lost it 2 times in 20 in a shell loop; the window is narrow, hence 100 tries.)
@Suite struct EndOfInputTests {
    @Test func aRequestInFlightAtEndOfInputIsAnsweredEveryTime() async throws {
        let lost = await withCheckedContinuation { continuation in
            Thread {
                var lost = 0
                for _ in 0..<100 {
                    let directory = FileManager.default.temporaryDirectory
                        .appendingPathComponent("variance-eof-\(UUID().uuidString)")
                    defer { try? FileManager.default.removeItem(at: directory) }
                    guard let engine = try? EngineProcess(arguments: ["--data-dir", directory.path]) else {
                        lost += 1
                        continue
                    }
                    engine.send(["jsonrpc": "2.0", "id": 1, "method": "events.replay", "params": ["after": 0]])
                    engine.closeInput()
                    var answered = false
                    while let frame = engine.next(timeout: 30) {
                        if frame.json["id"] == 1 { answered = true }
                    }
                    if !answered || engine.waitForExit(timeout: 30) != 0 { lost += 1 }
                }
                continuation.resume(returning: lost)
            }.start()
        }
        #expect(lost == 0)
    }
}
