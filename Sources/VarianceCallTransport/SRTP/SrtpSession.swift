import CSRTP

/// libsrtp2 contexts for one call: one protects what we send, the other checks what we receive.
/// RTP and RTCP share the master keys (RFC 5764 §4.2). Not thread-safe: its owner serialises use.
final class SrtpSession {
    enum Failure: Error, Sendable, Hashable {
        case setup(Int32)
        case protect(Int32)
        /// Authentication, replay or format failure of a received packet.
        case unprotect(Int32)
    }

    let profile: SrtpProfile
    private var outbound: srtp_t?
    private var inbound: srtp_t?

    init(keys: SrtpKeyingMaterial) throws(Failure) {
        SrtpLibrary.initialise()
        profile = keys.profile
        outbound = try Self.makeContext(profile: keys.profile, key: keys.local, inbound: false)
        inbound = try Self.makeContext(profile: keys.profile, key: keys.remote, inbound: true)
    }

    deinit {
        if let outbound { srtp_dealloc(outbound) }
        if let inbound { srtp_dealloc(inbound) }
    }

    func protectRTP(_ packet: [UInt8]) throws(Failure) -> [UInt8] {
        try transform(packet, context: outbound, extra: Int(SRTP_MAX_TRAILER_LEN)) { ctx, pointer, length in
            srtp_protect(ctx, pointer, length)
        } failure: { .protect($0) }
    }

    func protectRTCP(_ packet: [UInt8]) throws(Failure) -> [UInt8] {
        try transform(packet, context: outbound, extra: Int(SRTP_MAX_TRAILER_LEN) + 4) { ctx, pointer, length in
            srtp_protect_rtcp(ctx, pointer, length)
        } failure: { .protect($0) }
    }

    func unprotectRTP(_ packet: [UInt8]) throws(Failure) -> [UInt8] {
        try transform(packet, context: inbound, extra: 0) { ctx, pointer, length in
            srtp_unprotect(ctx, pointer, length)
        } failure: { .unprotect($0) }
    }

    func unprotectRTCP(_ packet: [UInt8]) throws(Failure) -> [UInt8] {
        try transform(packet, context: inbound, extra: 0) { ctx, pointer, length in
            srtp_unprotect_rtcp(ctx, pointer, length)
        } failure: { .unprotect($0) }
    }

    private func transform(
        _ packet: [UInt8], context: srtp_t?, extra: Int,
        _ operation: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t,
        failure: (Int32) -> Failure
    ) throws(Failure) -> [UInt8] {
        guard let context, packet.count >= 8, packet.count <= 8192 else { throw failure(-1) }
        var buffer = packet + [UInt8](repeating: 0, count: extra)
        var length = Int32(packet.count)
        let status = buffer.withUnsafeMutableBytes { operation(context, $0.baseAddress!, &length) }
        guard status == srtp_err_status_ok else { throw failure(Int32(status.rawValue)) }
        buffer.removeSubrange(Int(length)...)
        return buffer
    }

    private static func makeContext(profile: SrtpProfile, key: [UInt8], inbound: Bool) throws(Failure) -> srtp_t {
        var policy = srtp_policy_t()
        switch profile {
        case .aes128CmHmacSha1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAes128Gcm:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        case .aeadAes256Gcm:
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = 1024
        policy.allow_repeat_tx = 1
        var context: srtp_t?
        var keyBytes = key
        let status = keyBytes.withUnsafeMutableBufferPointer { buffer in
            policy.key = buffer.baseAddress
            return srtp_create(&context, &policy)
        }
        guard status == srtp_err_status_ok, let context else { throw .setup(Int32(status.rawValue)) }
        return context
    }
}

/// libsrtp2 wants one `srtp_init` per process before any session; a global's lazy, once-only
/// initialisation provides exactly that.
enum SrtpLibrary {
    private static let status = Int32(srtp_init().rawValue)
    static func initialise() { _ = status }
}
