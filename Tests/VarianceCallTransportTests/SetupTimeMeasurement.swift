import Foundation
import Testing
import VarianceCallTransport

/// Prints ICE + DTLS set-up time on loopback (creation to both connected); asserts nothing about
/// time. Runs only with VARIANCE_MEASURE=1. Compare with `aiortc_peer.py --measure`.
@Suite("Set-up time", .serialized, .enabled(if: ProcessInfo.processInfo.environment["VARIANCE_MEASURE"] == "1"))
struct SetupTimeMeasurement {
    @Test("Swift ↔ Swift on loopback, 20 rounds", arguments: [IceConfiguration.Nomination.regular, .aggressive])
    func swiftToSwift(nomination: IceConfiguration.Nomination) async throws {
        var times: [Duration] = []
        var offerer = IceConfiguration.loopback(controlling: true)
        offerer.nomination = nomination
        for _ in 0..<20 {
            let start = ContinuousClock.now
            let pair = try await TransportPair.start(offerer: offerer, answerer: .loopback(controlling: false))
            let up = await pair.offererStates.wait { $0.contains(.connected) }
            let upToo = await pair.answererStates.wait { $0.contains(.connected) }
            #expect(up && upToo)
            times.append(ContinuousClock.now - start)
            await pair.close()
        }
        times.sort()
        print("[measure] swift-swift \(nomination) nomination rounds=20 median=\(times[10]) min=\(times[0]) max=\(times[19])")
    }
}
