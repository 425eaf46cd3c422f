/// The parts of a RIFF/WAVE header that matter for PCM16 audio.
public struct WAVFormat: Sendable, Equatable {
    /// Interleaved channels.
    public var channels: Int
    /// Samples per second per channel.
    public var sampleRate: Int
    /// Bits per sample; 16 is the only one read and written here.
    public var bitsPerSample: Int

    /// A PCM format.
    public init(channels: Int, sampleRate: Int, bitsPerSample: Int = 16) {
        self.channels = channels
        self.sampleRate = sampleRate
        self.bitsPerSample = bitsPerSample
    }

    /// The canonical 44-byte header for `dataSize` bytes of PCM that follow it.
    public func header(dataSize: UInt32) -> [UInt8] {
        let blockAlign = channels * bitsPerSample / 8
        var out: [UInt8] = []
        out += Array("RIFF".utf8)
        out.appendLittleEndian(dataSize &+ 36)
        out += Array("WAVE".utf8)
        out += Array("fmt ".utf8)
        out.appendLittleEndian(UInt32(16))
        out.appendLittleEndian(UInt16(1))  // PCM
        out.appendLittleEndian(UInt16(channels))
        out.appendLittleEndian(UInt32(sampleRate))
        out.appendLittleEndian(UInt32(sampleRate * blockAlign))
        out.appendLittleEndian(UInt16(blockAlign))
        out.appendLittleEndian(UInt16(bitsPerSample))
        out += Array("data".utf8)
        out.appendLittleEndian(dataSize)
        return out
    }

    /// Finds the format and the PCM data in a whole WAV file. Chunks other than `fmt ` and
    /// `data` are skipped; a data size past the end of the file (as left by a writer that
    /// never finished) is cut to what is there.
    public static func parse(_ bytes: [UInt8]) throws(MediaParseError) -> (WAVFormat, Range<Int>) {
        let all = bytes[...]
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw .inconsistent("not a RIFF/WAVE file")
        }
        var offset = 12
        var format: WAVFormat?
        while offset + 8 <= bytes.count {
            let id = Array(bytes[offset..<offset + 4])
            guard let size = all.littleEndianUInt32(at: offset + 4) else { throw .truncated }
            let bodyStart = offset + 8
            let bodyEnd = min(bodyStart + Int(size), bytes.count)
            if id == Array("fmt ".utf8) {
                guard bodyEnd - bodyStart >= 16,
                    let tag = all.littleEndianUInt16(at: bodyStart),
                    let channels = all.littleEndianUInt16(at: bodyStart + 2),
                    let rate = all.littleEndianUInt32(at: bodyStart + 4),
                    let bits = all.littleEndianUInt16(at: bodyStart + 14)
                else { throw .inconsistent("WAV fmt chunk is too short") }
                // 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, whose sub-format starts with the tag.
                var isPCM = tag == 1
                if tag == 0xFFFE, let subformat = all.littleEndianUInt16(at: bodyStart + 24), bodyEnd - bodyStart >= 26 {
                    isPCM = subformat == 1
                }
                guard isPCM else { throw .inconsistent("WAV data is not integer PCM (format tag \(tag))") }
                format = WAVFormat(channels: Int(channels), sampleRate: Int(rate), bitsPerSample: Int(bits))
            } else if id == Array("data".utf8) {
                guard let format else { throw .inconsistent("WAV data chunk comes before its fmt chunk") }
                return (format, bodyStart..<bodyEnd)
            }
            // Chunks are padded to an even size.
            offset = bodyStart + Int(size) + Int(size & 1)
        }
        throw .inconsistent("WAV file has no data chunk")
    }
}
