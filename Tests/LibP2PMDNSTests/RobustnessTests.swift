import LibP2PCore
import Testing

@testable import LibP2PMDNS

/// Seeded garbage and mutations of valid packets through the fuzz entry point, which traps
/// on any broken invariant (round trip, bounds, own peer, expiry).
@Suite struct RobustnessTests {
    @Test func randomBytesNeverTrap() {
        var generator = SplitMix64(seed: 0x6D64_6E73)
        for _ in 0..<3000 {
            let length = Int(generator.next() % 300)
            MDNSService.fuzz(generator.bytes(length))
        }
    }

    @Test func mutatedPacketsNeverTrap() throws {
        var generator = SplitMix64(seed: 7)
        let seeds = [
            try MDNSService.fixtureResponse(), ZeroconfInteropTests.response, ZeroconfInteropTests.query,
            DNSMessageTests.queryBytes,
        ]
        for _ in 0..<3000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
                }
                if bytes.isEmpty { break }
            }
            MDNSService.fuzz(bytes)
        }
    }

    @Test func validPacketsPassTheFuzzChecks() throws {
        MDNSService.fuzz(try MDNSService.fixtureResponse())
        MDNSService.fuzz(ZeroconfInteropTests.response)
        MDNSService.fuzz(ZeroconfInteropTests.query)
    }

    @Test func twoMessagesInOneBufferDecodeTheFirst() throws {
        // Two messages in one buffer: the first decodes (trailing bytes are tolerated).
        let first = DNSMessageTests.queryBytes
        let both = first + (try MDNSService.fixtureResponse())
        #expect(try DNSMessage.decode(both) == DNSMessage.decode(first))
    }
}
