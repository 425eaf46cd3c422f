import VarianceProtos
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One entry point that pushes arbitrary bytes through every parser of untrusted media
/// input. It must never trap; it does trap (on purpose) when a round-trip property of
/// the RTP codec breaks, so a fuzzer reports it.
///
/// Used by the tests with random and bit-flipped input, and suited to a libFuzzer target.
public enum MediaFuzzer {
    /// Parses `data` every way untrusted bytes arrive; returns when done, never traps on bad input.
    public static func fuzz(_ data: [UInt8]) {
        fuzzRTP(data)
        fuzzRTCP(data)
        fuzzPayloads(data)
        fuzzFiles(data)
        fuzzSignalling(data)
    }

    static func fuzzRTP(_ data: [UInt8]) {
        guard let packet = try? RTPPacket(parsing: data) else { return }
        let reparsed = try? RTPPacket(parsing: packet.serialized())
        precondition(reparsed == packet, "RTP packet does not survive a round trip")
    }

    static func fuzzRTCP(_ data: [UInt8]) {
        guard let compound = try? RTCPCompoundPacket(parsing: data) else { return }
        _ = try? RTCPCompoundPacket(parsing: compound.serialized())
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 90_000)
        for packet in compound.packets {
            switch packet {
            case .senderReport(let report):
                statistics.record(report, arrival: .seconds(1))
                for block in report.reportBlocks {
                    _ = RoundTripTime.measure(block, arrival: report.ntpTimestamp)
                }
            case .receiverReport(let report):
                var controller = LossBasedBitrateController(initial: 500_000, minimum: 50_000, maximum: 2_000_000)
                for block in report.reportBlocks {
                    _ = RoundTripTime.measure(block, arrival: NTPTimestamp(rawValue: 0))
                    controller.update(block)
                }
            case .sourceDescription(let description):
                _ = description.chunks.first.map { description.cname(of: $0.ssrc) }
            default:
                break
            }
        }
        _ = statistics.makeReportBlock(now: .seconds(2))
    }

    static func fuzzPayloads(_ data: [UInt8]) {
        _ = try? VP8PayloadDescriptor.parse(data)
        // Cut the input into RTP packets, each 2 bytes of length then the packet, and feed
        // them to the receive pipeline as if they came off the network.
        var depacketizer = VP8Depacketizer()
        var jitter = AudioJitterBuffer(configuration: .init(playoutDelay: .zero, capacity: 8))
        var statistics = ReceptionStatistics(ssrc: 0, clockRate: 90_000)
        var offset = 0
        var tick = 0
        while offset + 2 <= data.count {
            let length = Int(data[offset]) << 8 | Int(data[offset + 1])
            offset += 2
            let end = min(offset + length, data.count)
            let chunk = Array(data[offset..<end])
            offset = end
            tick += 1
            let now = Duration.milliseconds(tick * 10)
            guard let packet = try? RTPPacket(parsing: chunk) else { continue }
            statistics.record(packet, arrival: now)
            _ = depacketizer.insert(packet, now: now)
            _ = depacketizer.poll(now: now + .milliseconds(500))
            _ = jitter.insert(packet, now: now)
            _ = jitter.nextFrame(now: now)
            _ = OpusDepacketizer.opusPacket(from: packet)
        }
        _ = statistics.makeReportBlock(now: .seconds(10))
    }

    static func fuzzFiles(_ data: [UInt8]) {
        _ = try? WAVFormat.parse(data)
        _ = try? IVFFile(parsing: data)
        let line = data.prefix { $0 != 0x0A }
        _ = try? Y4MHeader(parsing: Array(line))
    }

    static func fuzzSignalling(_ data: [UInt8]) {
        if let signed = try? Variance_SignedCallSignal(serializedBytes: data) {
            _ = try? signed.verifiedSignal(context: [1]) { _, _ in true }
        }
        guard let signal = try? Variance_CallSignal(serializedBytes: data) else { return }
        var line = CallLine()
        _ = line.receive(signal, from: [1], now: .zero)
        _ = line.handle(.localAccept(CallSessionDescription(
            dtlsFingerprintSHA256: [UInt8](repeating: 1, count: 32), iceUsernameFragment: "ufrag",
            icePassword: "0123456789012345678901", sdp: "", video: false)), now: .seconds(1))
        _ = line.receive(signal, from: [1], now: .seconds(2))
        _ = line.handle(.tick, now: .seconds(100))
    }
}
