import Crypto

extension NoiseHandshake {
    /// A fuzzing entry point: feeds `bytes` to a responder handshake, an initiator
    /// handshake after its first message, the payload verifier and a transport decoder,
    /// each whole and in chunks. It must never trap, whatever the input.
    ///
    /// Keys are fixed, so a crash reproduces from the input alone.
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        func fixed(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: 32) }
        guard
            let identity = try? Curve25519.Signing.PrivateKey(rawRepresentation: fixed(1)),
            let staticKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: fixed(2)),
            let ephemeral = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: fixed(3))
        else { return }
        let chunkSize = 1 + Int(bytes.first ?? 0) % 97

        for role in [NoiseRole.responder, .initiator] {
            for chunked in [false, true] {
                var handshake = NoiseHandshake(
                    role: role, identity: identity, staticKey: staticKey, ephemeralKey: ephemeral)
                _ = try? handshake.start()
                for chunk in chunks(of: bytes, size: chunked ? chunkSize : max(1, bytes.count)) {
                    guard case .needMore? = try? handshake.receive(chunk) else { break }
                }
            }
        }

        _ = try? HandshakePayload.verify(bytes, remoteStaticKey: Array(staticKey.publicKey.rawRepresentation))

        for chunked in [false, true] {
            var transport = NoiseTransport(
                sending: CipherState(key: fixed(4)),
                receiving: CipherState(key: fixed(5)))
            for chunk in chunks(of: bytes, size: chunked ? chunkSize : max(1, bytes.count)) {
                guard (try? transport.decrypt(chunk)) != nil else { break }
            }
        }
    }

    private static func chunks(of bytes: [UInt8], size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}
