import COpus
import Foundation

/// Opus at 48 kHz through libopus, for the interop test's 440 Hz tone.
final class OpusToneEncoder {
    private let encoder: OpaquePointer
    private var phase = 0
    let frequency: Double

    init(frequency: Double = 440) {
        var error: Int32 = 0
        encoder = opus_encoder_create(48_000, 1, OPUS_APPLICATION_AUDIO, &error)!
        _ = variance_opus_set_bitrate(encoder, 64_000)
        self.frequency = frequency
    }

    deinit { opus_encoder_destroy(encoder) }

    /// The next 20 ms (960 samples) of the tone, encoded.
    func nextFrame() -> [UInt8] {
        var pcm = [Int16](repeating: 0, count: 960)
        for index in 0..<960 {
            let t = Double(phase + index) / 48_000
            pcm[index] = Int16(12_000 * sin(2 * Double.pi * frequency * t))
        }
        phase += 960
        var packet = [UInt8](repeating: 0, count: 1500)
        let length = opus_encode(encoder, pcm, 960, &packet, Int32(packet.count))
        return Array(packet.prefix(Int(max(length, 0))))
    }
}

final class OpusDecoder {
    private let decoder: OpaquePointer

    init() {
        var error: Int32 = 0
        decoder = opus_decoder_create(48_000, 2, &error)!
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Decodes one packet; returns the left channel.
    func decode(_ packet: [UInt8]) -> [Int16] {
        var pcm = [Int16](repeating: 0, count: 5760 * 2)
        let samples = opus_decode(decoder, packet, Int32(packet.count), &pcm, 5760, 0)
        guard samples > 0 else { return [] }
        return (0..<Int(samples)).map { pcm[2 * $0] }
    }
}

/// The strongest frequency in `samples`: a coarse Goertzel scan, then a fine one near the peak.
func dominantFrequency(_ samples: [Int16], rate: Double = 48_000) -> Double {
    let signal = samples.map(Double.init)
    func power(_ frequency: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var s1 = 0.0
        var s2 = 0.0
        for x in signal {
            let s0 = x + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }
    let coarse = stride(from: 50.0, to: 3_000, by: 5).max { power($0) < power($1) } ?? 0
    return stride(from: coarse - 6, through: coarse + 6, by: 0.05).max { power($0) < power($1) } ?? coarse
}

/// The payload of an RTP packet (RFC 3550 §5.1), skipping CSRCs, the header extension and padding.
func rtpPayload(_ packet: [UInt8]) -> (payloadType: UInt8, sequence: UInt16, payload: [UInt8])? {
    guard packet.count >= 12, packet[0] >> 6 == 2 else { return nil }
    var offset = 12 + Int(packet[0] & 0x0F) * 4
    if packet[0] & 0x10 != 0 {
        guard packet.count >= offset + 4 else { return nil }
        let words = Int(packet[offset + 2]) << 8 | Int(packet[offset + 3])
        offset += 4 + words * 4
    }
    var end = packet.count
    if packet[0] & 0x20 != 0, let padding = packet.last { end -= Int(padding) }
    guard offset <= end else { return nil }
    return (packet[1] & 0x7F, UInt16(packet[2]) << 8 | UInt16(packet[3]), Array(packet[offset..<end]))
}
