import Foundation
import Testing

@testable import VarianceMLS

/// Inputs that crashed `fuzz-mls`, replayed from `Tests/FuzzCorpus/mls/crash-*` (the first
/// byte is the fuzzer's selector; the rest is what the decoder got). Each must now throw
/// an MLSError instead of trapping.
@Suite struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus").appendingPathComponent("mls")

    /// A group state whose own leaf index is 2^31 or more: `TreeMath.node(ofLeaf:)` (leaf * 2)
    /// overflowed and trapped before the index was checked against the tree.
    @Test func groupStateWithALeafOutsideTheTreeIsRefused() throws {
        let input = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent("crash-group-state-leaf-overflow")))
        #expect(input.first == 6)
        #expect(throws: MLSError.self) { try Group(serializedState: Array(input.dropFirst())) }
    }
}
