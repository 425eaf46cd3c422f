/// A receiver report, RR (RFC 3550 §6.4.2).
public struct RTCPReceiverReport: Sendable, Equatable {
    /// The reporter's own source.
    public var ssrc: UInt32
    /// At most 31 report blocks.
    public var reportBlocks: [RTCPReportBlock]

    /// An RR from `ssrc` (at most 31 blocks kept).
    public init(ssrc: UInt32, reportBlocks: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = Array(reportBlocks.prefix(31))
    }

    init(parsingBody body: ArraySlice<UInt8>, reportCount: Int) throws(MediaParseError) {
        var reader = ByteReader(body)
        ssrc = try reader.readUInt32()
        var blocks: [RTCPReportBlock] = []
        for _ in 0..<reportCount { blocks.append(try RTCPReportBlock(from: &reader)) }
        reportBlocks = blocks
    }

    func body() -> [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(ssrc)
        for block in reportBlocks.prefix(31) { block.append(to: &out) }
        return out
    }
}
