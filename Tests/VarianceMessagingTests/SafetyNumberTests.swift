import Testing
@testable import VarianceMessaging

struct SafetyNumberTests {
    @Test func orderIndependentAndKeySensitive() {
        let a = ("did:key:z6MkA", [UInt8](repeating: 1, count: 32))
        let b = ("did:key:z6MkB", [UInt8](repeating: 2, count: 32))
        let ab = SafetyNumber.compute(didA: a.0, keyA: a.1, didB: b.0, keyB: b.1)
        let ba = SafetyNumber.compute(didA: b.0, keyA: b.1, didB: a.0, keyB: a.1)
        #expect(ab == ba)
        let groups = ab.split(separator: " ")
        #expect(groups.count == 12 && groups.allSatisfy { $0.count == 5 && $0.allSatisfy(\.isNumber) })
        var changed = b.1
        changed[31] ^= 1
        #expect(SafetyNumber.compute(didA: a.0, keyA: a.1, didB: b.0, keyB: changed) != ab)
        #expect(SafetyNumber.compute(didA: a.0, keyA: a.1, didB: "did:key:z6MkC", keyB: b.1) != ab)
    }
}
