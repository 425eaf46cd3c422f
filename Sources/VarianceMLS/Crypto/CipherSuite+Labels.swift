import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `HPKECiphertext` (RFC 9420 §7.6).
public struct HPKECiphertext: TLSCodable, Hashable {
    /// The KEM encapsulation.
    public var kemOutput: [UInt8]
    /// The AEAD ciphertext.
    public var ciphertext: [UInt8]

    /// Creates a ciphertext from its parts.
    public init(kemOutput: [UInt8], ciphertext: [UInt8]) {
        self.kemOutput = kemOutput
        self.ciphertext = ciphertext
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(kemOutput)
        writer.writeOpaque(ciphertext)
    }

    public init(from reader: inout TLSReader) throws {
        kemOutput = try reader.readOpaque()
        ciphertext = try reader.readOpaque()
    }
}

extension CipherSuite {
    // MARK: Signatures (RFC 9420 §5.1.2)

    private func signContent(label: String, content: [UInt8]) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeOpaque(Array(("MLS 1.0 " + label).utf8))
        writer.writeOpaque(content)
        return writer.bytes
    }

    /// SignWithLabel.
    public func signWithLabel(_ key: SignaturePrivateKey, label: String, content: [UInt8]) throws -> [UInt8] {
        try key.sign(signContent(label: label, content: content))
    }

    /// VerifyWithLabel; false for a malformed key or a bad signature.
    ///
    /// Built with `VARIANCE_MLS_SODIUM` (and CSodium), the Ed25519 check is libsodium's
    /// `crypto_sign_verify_detached`, about a quarter faster than swift-crypto's on Linux
    /// (BoringSSL); Adds cost two checks and a join one per member. libsodium is stricter:
    /// it also refuses small-order and non-canonical public keys and small-order R, which
    /// honest signers never produce.
    public func verifyWithLabel(publicKey: [UInt8], label: String, content: [UInt8], signature: [UInt8]) -> Bool {
        #if VARIANCE_MLS_SODIUM && canImport(CSodium)
            return SodiumEd25519.verify(
                publicKey: publicKey, message: signContent(label: label, content: content), signature: signature)
        #else
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
            return key.isValidSignature(signature, for: signContent(label: label, content: content))
        #endif
    }

    // MARK: Public-key encryption (RFC 9420 §5.1.3)

    private func encryptContext(label: String, context: [UInt8]) -> Data {
        var writer = TLSWriter()
        writer.writeOpaque(Array(("MLS 1.0 " + label).utf8))
        writer.writeOpaque(context)
        return Data(writer.bytes)
    }

    /// EncryptWithLabel: HPKE base-mode SealBase with an `EncryptContext` info and empty AAD.
    ///
    /// The ephemeral KEM key comes from the system generator. Sealing is written out in
    /// CipherSuite+HPKESeal.swift (so a Welcome's context is hashed once for all newcomers);
    /// opening uses swift-crypto's HPKE.
    public func encryptWithLabel(
        publicKey: [UInt8], label: String, context: [UInt8], plaintext: [UInt8]
    ) throws -> HPKECiphertext {
        try encryptWithLabel(
            publicKey: publicKey, prepared: prepareEncryptContext(label: label, context: context), plaintext: plaintext)
    }

    /// DecryptWithLabel.
    public func decryptWithLabel(
        _ key: HPKEPrivateKey, label: String, context: [UInt8], kemOutput: [UInt8], ciphertext: [UInt8]
    ) throws -> [UInt8] {
        do {
            var recipient = try HPKE.Recipient(
                privateKey: key.key, ciphersuite: Self.hpkeSuite,
                info: encryptContext(label: label, context: context), encapsulatedKey: Data(kemOutput))
            return Array(try recipient.open(ciphertext, authenticating: Data()))
        } catch {
            throw MLSError.decryption("HPKE decryption failed")
        }
    }

    // MARK: KEM.DeriveKeyPair (RFC 9180 §7.1.3, DHKEM(X25519, HKDF-SHA256))

    private static let kemSuiteID: [UInt8] = Array("KEM".utf8) + [0x00, 0x20]

    /// Derives the X25519 key pair for `ikm` exactly as HPKE's DeriveKeyPair does.
    public func deriveKeyPair(_ ikm: [UInt8]) -> HPKEPrivateKey {
        let prefix = Array("HPKE-v1".utf8) + Self.kemSuiteID
        let prk = extract(salt: [], ikm: prefix + Array("dkp_prk".utf8) + ikm)
        var info: [UInt8] = [0x00, 0x20]
        info += prefix + Array("sk".utf8)
        let secret = expand(prk: prk, info: info, length: 32)
        // 32 bytes are always a valid X25519 private key.
        return try! HPKEPrivateKey(rawRepresentation: secret)
    }
}

extension CipherSuite {
    private static let externalInitLabel = Array("MLS 1.0 external init secret".utf8)

    /// The joiner's half of external initialization (RFC 9420 §8.3): SetupBaseS to
    /// `external_pub` and the exported init secret.
    public func externalInit(publicKey: [UInt8]) throws -> (kemOutput: [UInt8], initSecret: [UInt8]) {
        do {
            let recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
            let sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: Self.hpkeSuite, info: Data())
            let secret = try sender.exportSecret(context: Self.externalInitLabel, outputByteCount: hashLength)
            return (Array(sender.encapsulatedKey), secret.withUnsafeBytes { Array($0) })
        } catch {
            throw MLSError.invalid("external_pub is not a usable X25519 key")
        }
    }

    /// The members' half of external initialization: SetupBaseR with the external private key.
    public func externalInitSecret(privateKey: HPKEPrivateKey, kemOutput: [UInt8]) throws -> [UInt8] {
        do {
            let recipient = try HPKE.Recipient(
                privateKey: privateKey.key, ciphersuite: Self.hpkeSuite, info: Data(), encapsulatedKey: Data(kemOutput))
            let secret = try recipient.exportSecret(context: Self.externalInitLabel, outputByteCount: hashLength)
            return secret.withUnsafeBytes { Array($0) }
        } catch {
            throw MLSError.decryption("external init KEM output does not decapsulate")
        }
    }
}

#if VARIANCE_MLS_SODIUM && canImport(CSodium)
    import CSodium

    /// libsodium's Ed25519 verification. `sodium_init()` runs once (static lets are
    /// initialised lazily and atomically); it only detects CPU features and seeds its RNG.
    enum SodiumEd25519 {
        private static let initialized: Bool = sodium_init() >= 0

        static func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8]) -> Bool {
            guard initialized, publicKey.count == Int(crypto_sign_PUBLICKEYBYTES),
                signature.count == Int(crypto_sign_BYTES)
            else { return false }
            return message.withUnsafeBufferPointer { m in
                crypto_sign_verify_detached(signature, m.baseAddress, UInt64(m.count), publicKey) == 0
            }
        }
    }
#endif
