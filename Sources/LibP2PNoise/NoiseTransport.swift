/// The encrypted channel after a libp2p Noise handshake: a pair of ``CipherState``s and the
/// framing of the libp2p Noise wire format (a 2-byte big-endian length, then a ChaChaPoly
/// ciphertext with its 16-byte tag, at most 65,535 bytes in all).
///
/// A value: the I/O shell owns it and must encrypt in the order it writes, since each frame
/// takes the next nonce. Bounds: ``decrypt(_:)`` holds at most one incomplete frame
/// (65,537 bytes) between calls; the length prefix cannot announce more.
public struct NoiseTransport: Sendable, CustomStringConvertible {
    /// The longest `noise_message` (ciphertext plus tag) of a frame.
    public static let maxFrameLength = 65_535
    /// The most plaintext one frame carries: 65,535 minus the 16-byte tag.
    public static let maxPlaintextLength = maxFrameLength - CipherState.tagLength

    private var sending: CipherState
    private var receiving: CipherState
    private var frames = NoiseFrameDecoder(maxFrameLength: NoiseTransport.maxFrameLength)
    private var failed = false

    /// A transport from the two ciphers of `Split()`, seen from this side.
    ///
    /// - Parameters:
    ///   - sending: The cipher for our outgoing frames.
    ///   - receiving: The cipher for the peer's frames.
    package init(sending: CipherState, receiving: CipherState) {
        self.sending = sending
        self.receiving = receiving
    }

    /// Bytes received but not yet decrypted (part of one frame).
    public var bufferedByteCount: Int { frames.bufferedCount }

    /// The nonce of the next outgoing frame.
    package var sendingNonce: UInt64 { sending.nonce }
    /// The nonce expected on the next incoming frame.
    package var receivingNonce: UInt64 { receiving.nonce }

    /// Encrypts `plaintext` into framed transport messages, splitting it into chunks of at
    /// most ``maxPlaintextLength`` bytes so that no frame exceeds 65,535 bytes.
    ///
    /// - Parameter plaintext: Bytes to send; an empty array yields no frames.
    /// - Returns: The frames, ready to write in this order.
    /// - Throws: ``NoiseError/nonceExhausted`` after 2^64 - 1 frames; close the connection.
    public mutating func encrypt(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let frameCount = (plaintext.count + Self.maxPlaintextLength - 1) / Self.maxPlaintextLength
        var output: [UInt8] = []
        output.reserveCapacity(plaintext.count + frameCount * (2 + CipherState.tagLength))
        var start = plaintext.startIndex
        while start < plaintext.endIndex {
            let end = min(start + Self.maxPlaintextLength, plaintext.endIndex)
            NoiseFrameDecoder.appendLength(end - start + CipherState.tagLength, to: &output)
            try sending.encrypt(ad: [], plaintext: plaintext[start..<end], into: &output)
            start = end
        }
        return output
    }

    /// Decrypts every complete frame in the bytes received so far.
    ///
    /// Accepts any split of the stream: partial frames are kept until the rest arrives,
    /// several frames are decrypted at once.
    ///
    /// - Parameter bytes: Bytes read from the connection.
    /// - Returns: The plaintext of all frames completed by `bytes`, concatenated (possibly
    ///   empty).
    /// - Throws: ``NoiseError/decryptFailed`` for a tampered, replayed, reordered or
    ///   truncated frame; the transport then refuses further input
    ///   (``NoiseError/unexpectedMessage``) and the connection must be closed.
    public mutating func decrypt(_ bytes: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !failed else { throw .unexpectedMessage }
        frames.append(bytes)
        var output: [UInt8] = []
        do {
            while let frame = try frames.next() {
                try receiving.decrypt(ad: [], ciphertext: frame, into: &output)
            }
        } catch {
            failed = true
            throw error
        }
        return output
    }

    /// A summary without key material.
    public var description: String {
        "NoiseTransport(sent: \(sending.nonce), received: \(receiving.nonce), buffered: \(bufferedByteCount))"
    }
}
