import Testing
@testable import VarianceStorage

@Suite struct RFC3339Tests {
    static let known: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (1, "1970-01-01T00:00:00.001Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (1_709_251_200_000, "2024-03-01T00:00:00.000Z"),
        (1_798_342_326_123, "2026-12-27T03:32:06.123Z"),
        (1_795_750_326_123, "2026-11-27T03:32:06.123Z"),
        (4_102_444_800_000, "2100-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
    ]

    @Test(arguments: known) func formatsAndParsesKnownValues(millis: Int64, text: String) {
        #expect(RFC3339.format(unixMillis: millis) == text)
        #expect(RFC3339.parse(text) == millis)
    }

    @Test func roundTripsEveryDayOverFourCenturies() {
        var millis: Int64 = -12_000 * 86_400_000 + 12_345
        var failures: [Int64] = []
        while millis < 140_000 * 86_400_000 {
            if RFC3339.parse(RFC3339.format(unixMillis: millis)) != millis { failures.append(millis) }
            millis += 86_400_000 + 1_001
        }
        #expect(failures.isEmpty)
    }

    @Test func parsesOffsetsFractionsAndLowerCase() {
        let base: Int64 = 1_795_750_326_123  // 2026-11-27T03:32:06.123Z
        #expect(RFC3339.parse("2026-11-27T04:32:06.123+01:00") == base)
        #expect(RFC3339.parse("2026-11-26T22:02:06.123-05:30") == base)
        #expect(RFC3339.parse("2026-11-27t03:32:06.123z") == base)
        #expect(RFC3339.parse("2026-11-27T03:32:06.123456789Z") == base)
        #expect(RFC3339.parse("2026-11-27T03:32:06.1Z") == base - 23)
        #expect(RFC3339.parse("2026-11-27T03:32:06Z") == base - 123)
        #expect(RFC3339.parse("2016-12-31T23:59:60Z") == RFC3339.parse("2017-01-01T00:00:00Z"))
    }

    @Test(arguments: [
        "", "2026-11-27", "2026-11-27T03:32:06", "2026-11-27 03:32:06Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z",
        "2026-11-27T03:60:00Z", "2026-11-27T03:32:61Z", "2026-11-27T03:32:06.Z", "2026-11-27T03:32:06+0100",
        "2026-11-27T03:32:06Zjunk", "+2026-11-27T03:32:06Z", "2026-1-27T03:32:06Z",
    ])
    func rejectsMalformedText(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
