import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one MLS cipher suite we implement: `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519` (1).
///
/// Every primitive of RFC 9420 §5 hangs off this value: hash, MAC, KDF, AEAD, HPKE and
/// signatures, plus the labelled helpers. Other suites are refused at construction.
public struct CipherSuite: Sendable, Hashable {
    /// The IANA value of the suite.
    public let id: UInt16

    /// Suite 1: X25519 HPKE, AES-128-GCM, SHA-256, Ed25519.
    public static let mls128X25519 = CipherSuite(checkedID: 1)

    private init(checkedID: UInt16) { id = checkedID }

    /// The suite with IANA value `id`; throws for anything but suite 1.
    public init(id: UInt16) throws {
        guard id == 1 else {
            throw MLSError(.unsupportedCipherSuite, "only MLS cipher suite 1 is supported")
        }
        self.id = id
    }

    /// KDF output length (Nh).
    public var hashLength: Int { 32 }
    /// AEAD key length (Nk).
    public var aeadKeyLength: Int { 16 }
    /// AEAD nonce length (Nn).
    public var aeadNonceLength: Int { 12 }

    static let hpkeSuite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_128)

    // MARK: Hash, MAC, KDF

    /// SHA-256 of `data`.
    public func hash(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }

    /// HMAC-SHA256 of `data` under `key`.
    public func mac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Checks a MAC in constant time.
    public func verifyMAC(key: [UInt8], _ data: [UInt8], tag: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(tag, authenticating: data, using: SymmetricKey(data: key))
    }

    /// HKDF-Extract(salt, ikm).
    public func extract(salt: [UInt8], ikm: [UInt8]) -> [UInt8] { mac(key: salt, ikm) }

    /// HKDF-Expand(prk, info, length).
    public func expand(prk: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        precondition(length <= 255 * hashLength, "HKDF output too long")
        var output: [UInt8] = []
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < length {
            block = mac(key: prk, block + info + [counter])
            output += block
            counter &+= 1
        }
        return Array(output.prefix(length))
    }

    /// ExpandWithLabel (RFC 9420 §8): HKDF-Expand with a `KDFLabel` info.
    public func expandWithLabel(_ secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
        var info = TLSWriter()
        info.write(UInt16(length))
        info.writeOpaque(Array(("MLS 1.0 " + label).utf8))
        info.writeOpaque(context)
        return expand(prk: secret, info: info.bytes, length: length)
    }

    /// DeriveSecret (RFC 9420 §8).
    public func deriveSecret(_ secret: [UInt8], label: String) -> [UInt8] {
        expandWithLabel(secret, label: label, context: [], length: hashLength)
    }

    /// DeriveTreeSecret (RFC 9420 §9).
    public func deriveTreeSecret(_ secret: [UInt8], label: String, generation: UInt32, length: Int) -> [UInt8] {
        expandWithLabel(secret, label: label, context: generation.tlsSerialized, length: length)
    }

    /// RefHash (RFC 9420 §5.2). `label` is used as given (e.g. "MLS 1.0 KeyPackage Reference").
    public func refHash(label: String, value: [UInt8]) -> [UInt8] {
        var input = TLSWriter()
        input.writeOpaque(Array(label.utf8))
        input.writeOpaque(value)
        return hash(input.bytes)
    }

    // MARK: AEAD

    /// AES-128-GCM seal; returns ciphertext followed by the tag.
    public func seal(key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
        do {
            let box = try AES.GCM.seal(
                plaintext, using: SymmetricKey(data: key), nonce: AES.GCM.Nonce(data: nonce), authenticating: aad)
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw MLSError.invalid("AEAD key or nonce has the wrong size")
        }
    }

    /// AES-128-GCM open of ciphertext-then-tag.
    public func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8]) throws -> [UInt8] {
        guard ciphertext.count >= 16 else { throw MLSError.decryption("ciphertext shorter than the AEAD tag") }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext.dropLast(16), tag: ciphertext.suffix(16))
            return Array(try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad))
        } catch {
            throw MLSError.decryption("AEAD open failed")
        }
    }
}
