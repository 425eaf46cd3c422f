import VarianceMedia
import COpus

/// An Opus decoder for calls: 48 kHz, 20 ms frames, with packet loss concealment and
/// in-band FEC recovery.
///
/// For every 20 ms of playout, call exactly one of:
/// - `decode(_:)` when the packet arrived;
/// - `decodeFEC(from:)` when it is missing but the next packet is already here (its FEC
///   data describes the missing frame);
/// - `concealLoss()` when nothing is known about it.
public final class OpusDecoder {
    /// Channels of the decoded PCM (1 or 2).
    public let channels: Int
    private let state: OpaquePointer
    private var output: [Int16]

    /// At most this many samples per channel in one packet (120 ms at 48 kHz).
    private static let maximumFrameSamples = 5_760

    /// A 48 kHz decoder producing `channels` interleaved channels (1 or 2).
    public init(channels: Int = 1) throws(CodecError) {
        guard channels == 1 || channels == 2 else {
            throw .invalidInput("opus", "create decoder", "channels must be 1 or 2, not \(channels)")
        }
        var error: Int32 = 0
        guard let state = opus_decoder_create(Int32(OpusEncoder.sampleRate), Int32(channels), &error), error == OPUS_OK
        else { throw .opus("create decoder", error) }
        self.state = state
        self.channels = channels
        output = [Int16](repeating: 0, count: Self.maximumFrameSamples * channels)
    }

    deinit {
        opus_decoder_destroy(state)
    }

    /// Decodes one received packet into interleaved PCM16.
    public func decode(_ packet: [UInt8]) throws(CodecError) -> [Int16] {
        guard !packet.isEmpty else { throw .invalidInput("opus", "decode", "empty packet") }
        return try run("decode", packet: packet, frameSize: Self.maximumFrameSamples, fec: false)
    }

    /// Recovers the frame before `nextPacket` from its in-band FEC data. When the next
    /// packet carries no FEC, libopus conceals the loss instead, so the result is always
    /// one 20 ms frame.
    public func decodeFEC(from nextPacket: [UInt8]) throws(CodecError) -> [Int16] {
        guard !nextPacket.isEmpty else { return try concealLoss() }
        return try run("decode FEC", packet: nextPacket, frameSize: OpusEncoder.samplesPerFrame, fec: true)
    }

    /// Synthesizes one 20 ms frame for a packet that was lost (packet loss concealment).
    public func concealLoss() throws(CodecError) -> [Int16] {
        try run("conceal loss", packet: nil, frameSize: OpusEncoder.samplesPerFrame, fec: false)
    }

    private func run(_ operation: String, packet: [UInt8]?, frameSize: Int, fec: Bool) throws(CodecError) -> [Int16] {
        let channels = self.channels
        let decoded: Int32 = output.withUnsafeMutableBufferPointer { out in
            if let packet {
                return packet.withUnsafeBufferPointer { input in
                    opus_decode(state, input.baseAddress, Int32(input.count), out.baseAddress!, Int32(frameSize), fec ? 1 : 0)
                }
            }
            return opus_decode(state, nil, 0, out.baseAddress!, Int32(frameSize), 0)
        }
        guard decoded >= 0 else { throw .opus(operation, decoded) }
        return Array(output[0..<Int(decoded) * channels])
    }
}
