import Foundation

/// Locates `Tests/Vectors/` relative to this source file, so tests run on a fresh clone
/// with no bundle resources.
enum MLSVectors {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // VarianceMLSTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Vectors")
        .appendingPathComponent("mls")

    /// The JSON array in `name`.
    static func entries(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw VectorError.notAnArray(name)
        }
        return array
    }

    /// The entries of `name` for cipher suite 1 (the only one we implement).
    static func suite1(_ name: String) throws -> [[String: Any]] {
        try entries(name).filter { ($0["cipher_suite"] as? Int) == 1 }
    }
}

enum VectorError: Error {
    case notAnArray(String)
    case missing(String)
}

extension Dictionary where Key == String, Value == Any {
    func hex(_ key: String) throws -> [UInt8] {
        guard let string = self[key] as? String else { throw VectorError.missing(key) }
        return [UInt8](hex: string)
    }

    func string(_ key: String) throws -> String {
        guard let string = self[key] as? String else { throw VectorError.missing(key) }
        return string
    }

    func int(_ key: String) throws -> Int {
        guard let number = self[key] as? Int else { throw VectorError.missing(key) }
        return number
    }

    func object(_ key: String) throws -> [String: Any] {
        guard let object = self[key] as? [String: Any] else { throw VectorError.missing(key) }
        return object
    }

    func array(_ key: String) throws -> [Any] {
        guard let array = self[key] as? [Any] else { throw VectorError.missing(key) }
        return array
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        precondition(hex.count % 2 == 0, "odd hex length")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }

    var hex: String {
        map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// A deterministic generator for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
