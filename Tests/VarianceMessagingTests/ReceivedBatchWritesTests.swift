import Testing
import VarianceMessaging

/// Where a received batch's Olm state is written: with the last write, never earlier
/// (a state stored before a failed write would turn the redelivery into a duplicate).
struct ReceivedBatchWritesTests {
    /// Every batch shape up to five messages: the Olm state is written exactly once, by the
    /// last step; every message is written exactly once; texts share one step, in order;
    /// the others follow in batch order.
    @Test func theOlmStateGoesWithTheLastWriteForEveryBatchShape() {
        for count in 1...5 {
            for mask in 0..<(1 << count) {
                let isText = (0..<count).map { mask & (1 << $0) != 0 }
                let plan = ReceivedBatchWrite.plan(isText: isText)
                var olmWrites: [Int] = []
                var written: [Int] = []
                for (step, write) in plan.enumerated() {
                    switch write {
                    case .texts(let indices, let olmState):
                        #expect(indices == indices.sorted())
                        #expect(indices.allSatisfy { isText[$0] })
                        written += indices
                        if olmState { olmWrites.append(step) }
                    case .other(let index):
                        #expect(!isText[index])
                        written.append(index)
                    case .olmState:
                        olmWrites.append(step)
                    }
                }
                #expect(olmWrites == [plan.count - 1], "batch \(isText)")
                #expect(written.sorted() == Array(0..<count), "batch \(isText)")
                let textSteps = plan.filter { if case .texts = $0 { true } else { false } }
                #expect(textSteps.count == (isText.contains(true) ? 1 : 0))
                let others = plan.compactMap { if case .other(let index) = $0 { index } else { nil } }
                #expect(others == others.sorted())
            }
        }
    }

    /// The common batch, texts only: one transaction holds the texts and the Olm state.
    @Test func aBatchOfTextsIsOneWrite() {
        #expect(ReceivedBatchWrite.plan(isText: [true, true, true]) == [.texts([0, 1, 2], olmState: true)])
        #expect(ReceivedBatchWrite.plan(isText: [true, false]) == [.texts([0], olmState: false), .other(1), .olmState])
        #expect(ReceivedBatchWrite.plan(isText: [false]) == [.other(0), .olmState])
        #expect(ReceivedBatchWrite.plan(isText: []) == [])
    }
}
