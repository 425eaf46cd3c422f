import Crypto

/// HPKE SealBase for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (RFC 9180 §4-5),
/// written out so that one `EncryptContext` serves many recipients: the key schedule's
/// `info_hash` depends only on the info (for a Welcome, the whole encrypted GroupInfo with
/// its ratchet tree), so it is hashed once per commit instead of once per recipient.
/// Opening still goes through swift-crypto's `HPKE.Recipient`, which checks this sealing.
extension CipherSuite {
    /// An `EncryptContext` (RFC 9420 §5.1.3) prepared for sealing to several recipients:
    /// HPKE's `key_schedule_context` for base mode with this info.
    public struct PreparedEncryptContext: Sendable {
        let keyScheduleContext: [UInt8]
    }

    private static let sealVersionLabel = Array("HPKE-v1".utf8)
    private static let sealKEMSuiteID: [UInt8] = Array("KEM".utf8) + [0x00, 0x20]
    /// "HPKE" || kem_id 0x0020 || kdf_id 0x0001 || aead_id 0x0001.
    private static let sealSuiteID: [UInt8] = Array("HPKE".utf8) + [0x00, 0x20, 0x00, 0x01, 0x00, 0x01]

    private func labeledExtract(suiteID: [UInt8], salt: [UInt8], label: String, ikm: [UInt8]) -> [UInt8] {
        extract(salt: salt, ikm: Self.sealVersionLabel + suiteID + Array(label.utf8) + ikm)
    }

    private func labeledExpand(suiteID: [UInt8], prk: [UInt8], label: String, info: [UInt8], length: Int) -> [UInt8] {
        let prefix: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xFF)]
        return expand(
            prk: prk, info: prefix + Self.sealVersionLabel + suiteID + Array(label.utf8) + info, length: length)
    }

    /// Prepares `EncryptContext(label, context)` for ``encryptWithLabel(publicKey:prepared:plaintext:)``.
    public func prepareEncryptContext(label: String, context: [UInt8]) -> PreparedEncryptContext {
        var writer = TLSWriter()
        writer.writeOpaque(Array(("MLS 1.0 " + label).utf8))
        writer.writeOpaque(context)
        let pskIDHash = labeledExtract(suiteID: Self.sealSuiteID, salt: [], label: "psk_id_hash", ikm: [])
        let infoHash = labeledExtract(suiteID: Self.sealSuiteID, salt: [], label: "info_hash", ikm: writer.bytes)
        return PreparedEncryptContext(keyScheduleContext: [0x00] + pskIDHash + infoHash)
    }

    /// EncryptWithLabel with a prepared context: SealBase(pkR, info, aad = "", plaintext).
    /// The ephemeral KEM key comes from the system generator, as swift-crypto's HPKE does.
    public func encryptWithLabel(
        publicKey: [UInt8], prepared: PreparedEncryptContext, plaintext: [UInt8]
    ) throws -> HPKECiphertext {
        let recipient: Curve25519.KeyAgreement.PublicKey
        let dh: [UInt8]
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        do {
            recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
            dh = try ephemeral.sharedSecretFromKeyAgreement(with: recipient).withUnsafeBytes { Array($0) }
        } catch {
            throw MLSError.invalid("HPKE encryption failed (bad public key)")
        }
        // RFC 9180 §7.1.4: an all-zero X25519 output must be refused.
        guard dh.count == 32, dh.contains(where: { $0 != 0 }) else {
            throw MLSError.invalid("HPKE encryption failed (bad public key)")
        }
        let enc = Array(ephemeral.publicKey.rawRepresentation)
        // Encap: ExtractAndExpand(dh, enc || pkR).
        let eaePRK = labeledExtract(suiteID: Self.sealKEMSuiteID, salt: [], label: "eae_prk", ikm: dh)
        let sharedSecret = labeledExpand(
            suiteID: Self.sealKEMSuiteID, prk: eaePRK, label: "shared_secret", info: enc + publicKey, length: 32)
        // KeySchedule, base mode (empty PSK).
        let secret = labeledExtract(suiteID: Self.sealSuiteID, salt: sharedSecret, label: "secret", ikm: [])
        let key = labeledExpand(
            suiteID: Self.sealSuiteID, prk: secret, label: "key", info: prepared.keyScheduleContext, length: 16)
        let nonce = labeledExpand(
            suiteID: Self.sealSuiteID, prk: secret, label: "base_nonce", info: prepared.keyScheduleContext, length: 12)
        // First message: sequence number 0, so the nonce is the base nonce.
        let ciphertext = try seal(key: key, nonce: nonce, aad: [], plaintext: plaintext)
        return HPKECiphertext(kemOutput: enc, ciphertext: ciphertext)
    }
}
