/// DTLS-SRTP protection profiles we negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2), most preferred first.
public enum SrtpProfile: UInt16, Sendable, Hashable, CaseIterable {
    case aeadAes256Gcm = 0x0008
    case aeadAes128Gcm = 0x0007
    case aes128CmHmacSha1_80 = 0x0001

    /// OpenSSL's name for `use_srtp`.
    var openSSLName: String {
        switch self {
        case .aeadAes256Gcm: "SRTP_AEAD_AES_256_GCM"
        case .aeadAes128Gcm: "SRTP_AEAD_AES_128_GCM"
        case .aes128CmHmacSha1_80: "SRTP_AES128_CM_SHA1_80"
        }
    }

    /// Master key and salt lengths, which size the keying material exported from DTLS.
    var keyLength: Int { self == .aeadAes256Gcm ? 32 : 16 }
    var saltLength: Int { self == .aes128CmHmacSha1_80 ? 14 : 12 }
}

/// SRTP master keys derived from the DTLS handshake (RFC 5764 §4.2), one per direction.
public struct SrtpKeyingMaterial: Sendable {
    public let profile: SrtpProfile
    /// key ‖ salt for what we send.
    let local: [UInt8]
    /// key ‖ salt for what we receive.
    let remote: [UInt8]

    /// Splits `client key ‖ server key ‖ client salt ‖ server salt`.
    init?(profile: SrtpProfile, exported: [UInt8], isClient: Bool) {
        let k = profile.keyLength
        let s = profile.saltLength
        guard exported.count == 2 * (k + s) else { return nil }
        let client = Array(exported[0..<k]) + Array(exported[(2 * k)..<(2 * k + s)])
        let server = Array(exported[k..<(2 * k)]) + Array(exported[(2 * k + s)..<(2 * k + 2 * s)])
        self.profile = profile
        local = isClient ? client : server
        remote = isClient ? server : client
    }
}
