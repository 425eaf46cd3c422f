import LibP2PCore
import Testing

struct Base58Tests {
    /// multiformats/multibase test vectors: `encoding, "<input>"` then `name, "<multibase>"` rows.
    @Test(arguments: ["basic.csv", "leading_zero.csv", "two_leading_zeros.csv"])
    func multibaseVectors(file: String) throws {
        let lines = try VectorFiles.text("libp2p/multiformats/multibase-tests/" + file)
            .split(separator: "\n")
        func value(_ line: Substring) -> String {
            let quoted = line.split(separator: ",", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            return String(quoted.dropFirst().dropLast())
        }
        let input = value(lines[0])
            .replacingOccurrences(of: "\\x00", with: "\u{0}")
        let row = try #require(lines.first { $0.hasPrefix("base58btc,") })
        let multibase = value(row)
        #expect(multibase.hasPrefix("z"))
        let expected = String(multibase.dropFirst())

        #expect(Base58.encode(Array(input.utf8)) == expected)
        #expect(try Base58.decode(expected) == Array(input.utf8))
    }

    @Test func edgeCases() throws {
        #expect(Base58.encode([UInt8]()) == "")
        #expect(try Base58.decode("") == [])
        #expect(Base58.encode([0]) == "1")
        #expect(Base58.encode([0, 0, 0]) == "111")
        #expect(try Base58.decode("111") == [0, 0, 0])
        #expect(Base58.encode([57]) == "z")
        #expect(Base58.encode([58]) == "21")
        #expect(Base58.encode([0xFF, 0xFF]) == "LUv")
        #expect(try Base58.decode("LUv") == [0xFF, 0xFF])
    }

    @Test func roundTripsRandomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 3 { bytes[0] = 0 }
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func refusesCharactersOutsideTheAlphabet() {
        #expect(throws: Base58.DecodingError.invalidCharacter(position: 2)) { try Base58.decode("12O3") }
        #expect(throws: Base58.DecodingError.invalidCharacter(position: 0)) { try Base58.decode("0") }
        #expect(throws: Base58.DecodingError.invalidCharacter(position: 1)) { try Base58.decode("1l") }
        #expect(throws: Base58.DecodingError.invalidCharacter(position: 3)) { try Base58.decode("abc ") }
        #expect(throws: Base58.DecodingError.invalidCharacter(position: 1)) { try Base58.decode("zé") }
    }
}
