import Testing
@testable import VarianceMedia

@Suite struct RTCPTests {
    let block = RTCPReportBlock(
        ssrc: 0xAABB_CCDD, fractionLost: 25, cumulativeLost: -3, extendedHighestSequenceNumber: 0x0001_0005,
        jitter: 120, lastSenderReport: 0x1234_5678, delaySinceLastSenderReport: 65_536)

    @Test func senderReportRoundTrips() throws {
        let report = RTCPSenderReport(
            ssrc: 1, ntpTimestamp: NTPTimestamp(rawValue: 0x0102_0304_0506_0708), rtpTimestamp: 3000, packetCount: 10,
            octetCount: 1000, reportBlocks: [block])
        let bytes = RTCPPacket.senderReport(report).serialized()
        #expect(bytes.count == 4 + 24 + 24)
        #expect(bytes[0] == 0x81)
        #expect(bytes[1] == 200)
        #expect(bytes[3] == 12)  // length in words minus one
        let parsed = try RTCPCompoundPacket(parsing: bytes)
        #expect(parsed.packets == [.senderReport(report)])
        guard case .senderReport(let back) = parsed.packets[0] else { return }
        #expect(back.reportBlocks[0].cumulativeLost == -3)
    }

    @Test func compoundPacketRoundTrips() throws {
        let compound = RTCPCompoundPacket([
            .receiverReport(RTCPReceiverReport(ssrc: 5, reportBlocks: [block])),
            .sourceDescription(RTCPSourceDescription(ssrc: 5, cname: "alice@variance")),
            .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 5, mediaSSRC: 9)),
            .goodbye(RTCPGoodbye(ssrcs: [5], reason: "call ended")),
        ])
        let bytes = compound.serialized()
        #expect(bytes.count % 4 == 0)
        let parsed = try RTCPCompoundPacket(parsing: bytes)
        #expect(parsed == compound)
        guard case .sourceDescription(let sdes) = parsed.packets[1] else {
            Issue.record("expected SDES")
            return
        }
        #expect(sdes.cname(of: 5) == "alice@variance")
    }

    @Test func pliHasTheRFC4585Layout() throws {
        let bytes = RTCPPacket.pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2)).serialized()
        #expect(bytes == [0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2])
    }

    @Test func sdesChunksAreWordAligned() throws {
        // CNAME of 4 bytes: 4 (SSRC) + 2 + 4 + 1 null = 11, padded to 12.
        let sdes = RTCPSourceDescription(chunks: [
            .init(ssrc: 1, items: [.cname("abcd")]),
            .init(ssrc: 2, items: [.cname("ef"), .init(type: 2, value: Array("Bob".utf8))]),
        ])
        let bytes = RTCPPacket.sourceDescription(sdes).serialized()
        #expect(bytes.count % 4 == 0)
        let parsed = try RTCPCompoundPacket(parsing: bytes)
        #expect(parsed.packets == [.sourceDescription(sdes)])
    }

    @Test func unknownTypesAndPaddingAreTolerated() throws {
        // An APP packet (204) with padding bit and 4 padding bytes, then a BYE.
        var bytes: [UInt8] = [0xA0, 204, 0, 3, 0, 0, 0, 1, 0x41, 0x42, 0x43, 0x44, 0, 0, 0, 4]
        bytes += RTCPPacket.goodbye(RTCPGoodbye(ssrcs: [7])).serialized()
        let parsed = try RTCPCompoundPacket(parsing: bytes)
        #expect(parsed.packets.count == 2)
        #expect(parsed.packets[0] == .other(packetType: 204, count: 0, body: [0, 0, 0, 1, 0x41, 0x42, 0x43, 0x44]))
        #expect(parsed.packets[1] == .goodbye(RTCPGoodbye(ssrcs: [7])))
    }

    @Test func malformedCompoundPacketsAreRefused() {
        #expect(throws: MediaParseError.self) { try RTCPCompoundPacket(parsing: []) }
        // Length says 2 words but only 1 follows.
        #expect(throws: MediaParseError.truncated) { try RTCPCompoundPacket(parsing: [0x80, 201, 0, 2, 0, 0, 0, 1]) }
        // RR claims one report block but has none.
        #expect(throws: MediaParseError.truncated) { try RTCPCompoundPacket(parsing: [0x81, 201, 0, 1, 0, 0, 0, 1]) }
        #expect(throws: MediaParseError.unsupportedVersion(0)) { try RTCPCompoundPacket(parsing: [0x00, 201, 0, 0]) }
    }

    @Test func rtcpIsToldApartFromRTP() {
        #expect(RTCPPacket.looksLikeRTCP(secondByte: 200))
        #expect(RTCPPacket.looksLikeRTCP(secondByte: 206))
        #expect(!RTCPPacket.looksLikeRTCP(secondByte: 111))
        #expect(!RTCPPacket.looksLikeRTCP(secondByte: 0x80 | 96))
    }
}
