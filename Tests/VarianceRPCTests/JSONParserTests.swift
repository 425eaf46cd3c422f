import Testing
@testable import VarianceRPC

@Suite struct JSONParserTests {
    @Test func parsesScalars() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" true ") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse("0") == .int(0))
        #expect(try JSONParser.parse("-42") == .int(-42))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("1.5") == .double(1.5))
        #expect(try JSONParser.parse("-1e3") == .double(-1000))
        #expect(try JSONParser.parse("1E-2") == .double(0.01))
        // Too large for Int64: kept as a double.
        #expect(try JSONParser.parse("92233720368547758070") == .double(9.223372036854775807e19))
    }

    @Test func parsesStringsWithEscapes() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\n\t\r\b\f""#) == .string("a\"b\\c/d\n\t\r\u{8}\u{C}"))
        #expect(try JSONParser.parse(#""\u00e9\u4e2d""#) == .string("é中"))
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse("\"héllo 😀\"") == .string("héllo 😀"))
    }

    @Test func parsesNestedValues() throws {
        let value = try JSONParser.parse(#"{"a":[1,{"b":null}],"c":"d","a2":{}}"#)
        #expect(value["a"] == [1, ["b": nil]])
        #expect(value["c"] == "d")
        #expect(value["a2"] == .object([:]))
        #expect(value.objectValue?.keys == ["a", "c", "a2"])
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "[1 2]", "{\"a\":1,}", "1 2", "NaN",
        "Infinity", "\"a\u{1}b\"", "{1:2}", "[", "]", "}", "'a'",
    ])
    func refusesMalformedInput(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func refusesInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // "\xC3(" is not UTF-8
        #expect(throws: JSONParseError(reason: .invalidUTF8, offset: 1)) { try JSONParser.parse(bytes) }
        let escaped: [UInt8] = Array(#""\n"#.utf8) + [0xFF, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(escaped) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0xFF]) }
    }

    @Test func boundsNestingDepth() throws {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try JSONParser.parse(ok)
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func errorsCarryPositionNotContent() {
        do {
            _ = try JSONParser.parse(#"{"secret": tru}"#)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("secret"))
            #expect(error.offset == 14)
        }
    }
}

@Suite struct JSONSerializerTests {
    @Test func roundTrips() throws {
        let values: [JSON] = [
            .null, true, false, 0, -7, .int(Int64.min), 2.5, "plain", "quote\" backslash\\ newline\n tab\t \u{1} é 😀",
            [1, "two", [3]], ["k": ["nested": [nil, true]], "empty": [:], "list": []],
        ]
        for value in values {
            #expect(try JSONParser.parse(value.bytes) == value)
        }
    }

    @Test func escapesControlCharacters() {
        #expect(JSON.string("a\u{0}b\u{1f}").compactString == #""a\u0000b\u001f""#)
        #expect(JSON.string("\"\\").compactString == #""\"\\""#)
    }

    @Test func writesNumbersAsJSON() {
        #expect(JSON.double(1.0).compactString == "1")
        #expect(JSON.double(0.5).compactString == "0.5")
        #expect(JSON.double(.infinity).compactString == "null")
        #expect(JSON.double(.nan).compactString == "null")
        #expect(JSON.int(-12).compactString == "-12")
    }

    @Test func keepsMemberOrder() {
        let object: JSON = ["z": 1, "a": 2, "m": 3]
        #expect(object.compactString == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func prettyPrints() {
        let object: JSON = ["a": [1, 2], "b": [:]]
        #expect(object.prettyString() == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }
}
