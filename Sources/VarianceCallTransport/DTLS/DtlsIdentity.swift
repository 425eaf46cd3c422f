import COpenSSL

/// A per-call self-signed ECDSA P-256 certificate and its SHA-256 fingerprint, as WebRTC uses
/// (RFC 8827 §6.5): the certificate proves nothing by itself; its fingerprint travels through the
/// authenticated signalling channel and the peer checks the handshake against it.
public final class DtlsIdentity: Sendable {
    /// `sha-256` fingerprint in SDP form, upper-case hex pairs joined by colons.
    public let fingerprint: String

    let key: Handle
    let certificate: Handle

    struct Handle: @unchecked Sendable {
        // Immutable once built; OpenSSL reference counts are atomic.
        let raw: OpaquePointer
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Generates a fresh key and certificate (valid from one day ago for 30 days).
    public init() throws {
        guard let key = cossl_generate_p256() else { throw Failure(description: "P-256 key generation failed") }
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw Failure(description: "certificate allocation failed")
        }
        var serial = [UInt8](repeating: 0, count: 8)
        _ = RAND_bytes(&serial, Int32(serial.count))
        var serialValue: UInt64 = 0
        for byte in serial { serialValue = serialValue << 8 | UInt64(byte) }
        var ok = X509_set_version(certificate, 2) == 1
        ok = ok && ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serialValue & 0x7FFF_FFFF_FFFF_FFFF) == 1
        ok = ok && X509_gmtime_adj(X509_getm_notBefore(certificate), -86_400) != nil
        ok = ok && X509_gmtime_adj(X509_getm_notAfter(certificate), 30 * 86_400) != nil
        ok = ok && X509_set_pubkey(certificate, key) == 1
        if ok, let name = X509_get_subject_name(certificate) {
            ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "variance", -1, -1, 0) == 1
            ok = ok && X509_set_issuer_name(certificate, name) == 1
        }
        ok = ok && X509_sign(certificate, key, EVP_sha256()) > 0
        guard ok, let fingerprint = Self.fingerprint(of: certificate) else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw Failure(description: "certificate signing failed")
        }
        self.key = Handle(raw: key)
        self.certificate = Handle(raw: certificate)
        self.fingerprint = fingerprint
    }

    deinit {
        X509_free(certificate.raw)
        EVP_PKEY_free(key.raw)
    }

    /// SHA-256 over the DER certificate, formatted `AB:CD:...`.
    static func fingerprint(of certificate: OpaquePointer) -> String? {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { return nil }
        return Self.format(digest.prefix(Int(length)))
    }

    static func format(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            if !text.isEmpty { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Compares two fingerprints in SDP form, ignoring case.
    static func matches(_ a: String, _ b: String) -> Bool {
        a.uppercased() == b.uppercased()
    }
}
