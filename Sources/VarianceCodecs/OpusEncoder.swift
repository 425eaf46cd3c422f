import VarianceMedia
import COpus

/// An Opus encoder for calls: 48 kHz, 20 ms frames, in-band FEC on (RFC 6716, RFC 7587).
///
/// Not thread-safe: one owner (the send pipeline) calls it. The libopus state is freed with
/// the object.
public final class OpusEncoder {
    /// The sample rate every Variance call uses.
    public static let sampleRate = 48_000
    /// Samples per channel in one 20 ms frame.
    public static let samplesPerFrame = 960

    /// Channels of the PCM it takes (1 or 2).
    public let channels: Int
    private let state: OpaquePointer
    private var output = [UInt8](repeating: 0, count: 1500)

    /// - Parameters:
    ///   - channels: 1 or 2.
    ///   - bitrate: target bits per second (6000...510000).
    ///   - expectedPacketLossPercent: what the encoder should prepare its FEC for (0...100).
    public init(channels: Int = 1, bitrate: Int = 32_000, expectedPacketLossPercent: Int = 10) throws(CodecError) {
        guard channels == 1 || channels == 2 else {
            throw .invalidInput("opus", "create encoder", "channels must be 1 or 2, not \(channels)")
        }
        var error: Int32 = 0
        guard let state = opus_encoder_create(Int32(Self.sampleRate), Int32(channels), OPUS_APPLICATION_VOIP, &error),
            error == OPUS_OK
        else { throw .opus("create encoder", error) }
        self.state = state
        self.channels = channels
        do {
            try check("enable in-band FEC", variance_opus_set_inband_fec(state, 1))
            try check("set complexity", variance_opus_set_complexity(state, 8))
            try setBitrate(bitrate)
            try setExpectedPacketLoss(percent: expectedPacketLossPercent)
        } catch {
            opus_encoder_destroy(state)
            throw error
        }
    }

    deinit {
        opus_encoder_destroy(state)
    }

    /// Changes the target bitrate; takes effect from the next frame.
    public func setBitrate(_ bitsPerSecond: Int) throws(CodecError) {
        let clamped = Int32(min(max(bitsPerSecond, 6_000), 510_000))
        try check("set bitrate", variance_opus_set_bitrate(state, clamped))
    }

    /// Tells the encoder how much loss to expect, so FEC gets enough bits (0...100).
    public func setExpectedPacketLoss(percent: Int) throws(CodecError) {
        try check("set packet loss", variance_opus_set_packet_loss_perc(state, Int32(min(max(percent, 0), 100))))
    }

    /// Encodes one 20 ms frame of interleaved PCM16 (`samplesPerFrame * channels` samples)
    /// into one Opus packet.
    public func encode(_ pcm: [Int16]) throws(CodecError) -> [UInt8] {
        guard pcm.count == Self.samplesPerFrame * channels else {
            throw .invalidInput("opus", "encode", "expected \(Self.samplesPerFrame * channels) samples, got \(pcm.count)")
        }
        let capacity = Int32(output.count)
        let written = pcm.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                opus_encode(state, input.baseAddress!, Int32(Self.samplesPerFrame), out.baseAddress!, capacity)
            }
        }
        guard written >= 0 else { throw .opus("encode", written) }
        return Array(output[0..<Int(written)])
    }

    private func check(_ operation: String, _ code: Int32) throws(CodecError) {
        guard code == OPUS_OK else { throw .opus(operation, code) }
    }
}
