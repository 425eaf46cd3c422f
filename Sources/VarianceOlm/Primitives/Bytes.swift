#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Unpadded standard base64, as vodozemac and libolm print keys and messages.
package enum UnpaddedBase64 {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = Data(bytes).base64EncodedString()
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    package static func decode(_ string: String) -> [UInt8]? {
        var s = string
        while s.hasSuffix("=") { s.removeLast() }
        let rem = s.utf8.count % 4
        if rem == 1 { return nil }
        if rem > 0 { s += String(repeating: "=", count: 4 - rem) }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }
}

/// Compares two byte strings in time that depends only on their lengths.
package func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for (x, y) in zip(a, b) { diff |= x ^ y }
    return diff == 0
}

extension RandomNumberGenerator {
    /// `count` random bytes from this generator.
    package mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            var word = self.next()
            for _ in 0..<8 where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }
}
