import Crypto
import Testing

@testable import LibP2PNoise

/// Runs the fuzz entry point on seeded random and structured inputs; it must not trap.
struct NoiseFuzzTests {
    @Test func randomInputsDoNotTrap() {
        var generator = SeededGenerator(state: 42)
        for _ in 0..<300 {
            let length = Int.random(in: 0...600, using: &generator)
            NoiseHandshake.fuzz(generator.bytes(length))
        }
    }

    @Test func structuredInputsDoNotTrap() throws {
        var generator = SeededGenerator(state: 43)
        var pair = HandshakePair()
        let message1 = try pair.initiator.start()
        guard case .needMore(let message2) = try pair.responder.receive(message1) else {
            throw TestFailure.unexpectedStep
        }
        let inputs: [[UInt8]] = [
            [], [0], [0, 0], [0xFF, 0xFF], [0x20, 0x01] + generator.bytes(100),
            message1, message1 + message2, message1 + generator.bytes(200), message2,
            message1 + [0, 48] + generator.bytes(48), [0, 16] + [UInt8](repeating: 0, count: 16),
            [0, 32] + [UInt8](repeating: 0, count: 32),  // low-order X25519 point
            [0, 32, 1] + [UInt8](repeating: 0, count: 31),
        ]
        for input in inputs {
            NoiseHandshake.fuzz(input)
        }
        for _ in 0..<50 {
            var mutated = message1 + message2
            for _ in 0..<4 {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                mutated[index] = UInt8.random(in: 0...255, using: &generator)
            }
            NoiseHandshake.fuzz(mutated)
        }
    }
}
