import Testing
@testable import VarianceStorage

@Suite struct ULIDTests {
    @Test func roundTripsThroughItsString() {
        let generator = ULIDGenerator()
        for _ in 0..<1000 {
            let id = generator.next()
            #expect(id.description.count == 26)
            #expect(ULID(string: id.description) == id)
            #expect(ULID(string: id.description.lowercased()) == id)
        }
    }

    @Test func knownValues() {
        let zero = ULID(high: 0, low: 0)
        #expect(zero.description == "00000000000000000000000000")
        let max = ULID(high: .max, low: .max)
        #expect(max.description == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        #expect(ULID(string: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ") == max)
        // The time prefix of the ULID spec's example.
        let id = ULID(unixMillis: 1_469_918_176_385, randomHigh: 0, randomLow: 0)
        #expect(id.description.hasPrefix("01ARYZ6S41"))
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAV")?.unixMillis == 1_469_918_176_385)
    }

    @Test func rejectsMalformedStrings() {
        #expect(ULID(string: "") == nil)
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FA") == nil)    // 25 characters
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAVV") == nil)  // 27 characters
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAU") == nil)   // U is not Crockford
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FA-") == nil)
        #expect(ULID(string: "80000000000000000000000000") == nil)   // above 2^128 - 1
    }

    @Test func ordersByTimeThenRandomnessLikeItsString() {
        var rng = SystemRandomNumberGenerator()
        let ids = (0..<500).map { _ in
            ULID(unixMillis: UInt64.random(in: 0..<1000, using: &rng), randomHigh: rng.next(), randomLow: rng.next())
        }
        #expect(ids.sorted().map(\.description) == ids.map(\.description).sorted())
        #expect(ULID(unixMillis: 1, randomHigh: 0, randomLow: 0) > ULID(unixMillis: 0, randomHigh: .max, randomLow: .max))
    }

    @Test func isMonotonicWithinOneMillisecondAndWhenTheClockGoesBack() {
        let generator = ULIDGenerator()
        var previous = generator.next(unixMillis: 1_000)
        for step in 0..<10_000 {
            let time: Int64 = step < 5_000 ? 1_000 : 900  // same millisecond, then backwards
            let id = generator.next(unixMillis: time)
            #expect(id > previous)
            #expect(id.unixMillis >= 1_000)
            previous = id
        }
        #expect(generator.next(unixMillis: 2_000).unixMillis == 2_000)
    }

    @Test func isMonotonicAcrossThreads() async {
        let generator = ULIDGenerator()
        let ids = await withTaskGroup(of: [ULID].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<2_000).map { _ in generator.next(unixMillis: 42) } }
            }
            var all: [ULID] = []
            for await batch in group {
                #expect(batch == batch.sorted())
                all += batch
            }
            return all
        }
        #expect(Set(ids).count == ids.count)
    }
}
