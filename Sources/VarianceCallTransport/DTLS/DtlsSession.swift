import COpenSSL

/// One DTLS 1.2 association for DTLS-SRTP (RFC 5764), driven by datagrams and timer ticks.
/// It never touches a socket or a clock: callers feed it what arrived and send what it returns.
///
///     handshaking ──ClientHello/Finished──▶ established(keys) ──close_notify──▶ closed
///          │                                     │
///          └──bad fingerprint / alert / error────┴──▶ failed
///
/// The peer's certificate is checked against the fingerprint from signalling during the
/// handshake, so a mismatch aborts it with a `bad_certificate` alert.
final class DtlsSession {
    enum Phase: Equatable {
        case handshaking
        case established
        case failed(DtlsFailure)
        case closed
    }

    /// What a step produced.
    struct Output {
        var datagrams: [[UInt8]] = []
        /// Set once, at the step that completed the handshake.
        var keys: SrtpKeyingMaterial?
    }

    private(set) var phase: Phase = .handshaking
    let role: DtlsRole
    let expectedFingerprint: String

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let method: OpaquePointer
    private let sink = DatagramSink()

    init(identity: DtlsIdentity, role: DtlsRole, remoteFingerprint: String, profiles: [SrtpProfile] = SrtpProfile.allCases)
        throws(DtlsFailure)
    {
        self.role = role
        expectedFingerprint = remoteFingerprint
        guard let context = SSL_CTX_new(DTLS_method()) else { throw .setup }
        self.context = context
        _ = cossl_set_min_dtls12(context)
        guard SSL_CTX_use_certificate(context, identity.certificate.raw) == 1,
            SSL_CTX_use_PrivateKey(context, identity.key.raw) == 1,
            SSL_CTX_set_tlsext_use_srtp(context, profiles.map(\.openSSLName).joined(separator: ":")) == 0
        else {
            SSL_CTX_free(context)
            throw .setup
        }
        _ = cossl_set1_groups_list(context, "P-256:X25519:P-384")
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, dtlsVerifyPeer)
        guard let ssl = SSL_new(context),
            let readBIO = BIO_new(BIO_s_mem()),
            let method = BIO_meth_new(Int32(COSSL_TYPE_SINK), "variance-dtls-out")
        else {
            SSL_CTX_free(context)
            throw .setup
        }
        self.ssl = ssl
        self.readBIO = readBIO
        self.method = method
        _ = cossl_set_mem_eof_retry(readBIO)
        BIO_meth_set_write(method, dtlsSinkWrite)
        BIO_meth_set_ctrl(method, dtlsSinkControl)
        BIO_meth_set_create(method, dtlsSinkCreate)
        guard let writeBIO = BIO_new(method) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            SSL_CTX_free(context)
            BIO_meth_free(method)
            throw .setup
        }
        BIO_set_data(writeBIO, Unmanaged.passUnretained(sink).toOpaque())
        SSL_set_bio(ssl, readBIO, writeBIO)
        cossl_set_no_query_mtu(ssl)
        _ = cossl_dtls_set_link_mtu(ssl, 1200)
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
        if role == .client { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs
        SSL_CTX_free(context)
        BIO_meth_free(method)
    }

    /// The client sends its ClientHello; the server has nothing to say until one arrives.
    func start() -> Output {
        guard role == .client, phase == .handshaking else { return Output() }
        return advanceHandshake()
    }

    /// Feeds one datagram whose first byte is in 20...63.
    func receive(_ datagram: [UInt8]) -> Output {
        switch phase {
        case .failed, .closed: return Output()
        case .handshaking, .established: break
        }
        datagram.withUnsafeBytes { _ = BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        if phase == .handshaking { return advanceHandshake() }
        return drainApplicationData()
    }

    /// Time until `handleTimeout()` should be called, while a flight awaits its answer.
    var nextTimeout: Duration? {
        guard phase == .handshaking else { return nil }
        var microseconds = 0
        guard cossl_dtls_get_timeout(ssl, &microseconds) == 1 else { return nil }
        return .microseconds(microseconds)
    }

    /// Retransmits the last flight when its timer ran out.
    func handleTimeout() -> Output {
        guard phase == .handshaking else { return Output() }
        if cossl_dtls_handle_timeout(ssl) < 0 {
            phase = .failed(.handshake)
        }
        return Output(datagrams: sink.take())
    }

    /// Sends close_notify.
    func close() -> Output {
        guard phase == .established || phase == .handshaking else { return Output() }
        _ = SSL_shutdown(ssl)
        phase = .closed
        return Output(datagrams: sink.take())
    }

    // MARK: - Steps

    private func advanceHandshake() -> Output {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        var output = Output()
        if result == 1 {
            output.keys = finishHandshake()
        } else {
            let error = SSL_get_error(ssl, result)
            if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                phase = .failed(failureReason())
            }
        }
        output.datagrams = sink.take()
        if output.keys != nil {
            let more = drainApplicationData()
            output.datagrams += more.datagrams
        }
        return output
    }

    private func failureReason() -> DtlsFailure {
        mismatchSeen ? .fingerprintMismatch : .handshake
    }

    /// Set when the peer's certificate did not match; the handshake error that follows is this.
    private var mismatchSeen = false

    private func finishHandshake() -> SrtpKeyingMaterial? {
        // Check again on the final certificate, not only in the callback.
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            phase = .failed(.fingerprintMismatch)
            return nil
        }
        let fingerprint = DtlsIdentity.fingerprint(of: peer)
        X509_free(peer)
        guard let fingerprint, DtlsIdentity.matches(fingerprint, expectedFingerprint) else {
            phase = .failed(.fingerprintMismatch)
            return nil
        }
        guard let selected = SSL_get_selected_srtp_profile(ssl),
            let profile = SrtpProfile(rawValue: UInt16(truncatingIfNeeded: cossl_srtp_profile_id(selected)))
        else {
            phase = .failed(.noSrtpProfile)
            return nil
        }
        let length = 2 * (profile.keyLength + profile.saltLength)
        var exported = [UInt8](repeating: 0, count: length)
        let label = "EXTRACTOR-dtls_srtp"
        guard SSL_export_keying_material(ssl, &exported, length, label, label.utf8.count, nil, 0, 0) == 1,
            let keys = SrtpKeyingMaterial(profile: profile, exported: exported, isClient: role == .client)
        else {
            phase = .failed(.handshake)
            return nil
        }
        phase = .established
        return keys
    }

    /// Reads and discards application data (we carry no data channel); notices close_notify.
    private func drainApplicationData() -> Output {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, &buffer, Int32(buffer.count))
            if count > 0 { continue }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_ZERO_RETURN {
                phase = .closed
            } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                phase = .failed(.handshake)
            }
            break
        }
        return Output(datagrams: sink.take())
    }

    /// Called by OpenSSL for each certificate of the peer's chain; only the leaf matters.
    fileprivate func verifyLeaf(_ certificate: OpaquePointer) -> Bool {
        guard let fingerprint = DtlsIdentity.fingerprint(of: certificate),
            DtlsIdentity.matches(fingerprint, expectedFingerprint)
        else {
            mismatchSeen = true
            return false
        }
        return true
    }
}

/// Why a DTLS association ended badly.
public enum DtlsFailure: Error, Sendable, Hashable {
    case setup
    case handshake
    /// The peer's certificate does not have the fingerprint signalled for it.
    case fingerprintMismatch
    /// No SRTP protection profile in common.
    case noSrtpProfile
}

/// Collects each write of OpenSSL as one datagram, so flights keep their record boundaries.
private final class DatagramSink {
    var datagrams: [[UInt8]] = []
    func take() -> [[UInt8]] {
        defer { datagrams = [] }
        return datagrams
    }
}

private func dtlsSinkWrite(_ bio: OpaquePointer?, _ data: UnsafePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let bio, let data, length >= 0, let raw = BIO_get_data(bio) else { return -1 }
    let sink = Unmanaged<DatagramSink>.fromOpaque(raw).takeUnretainedValue()
    sink.datagrams.append(Array(UnsafeRawBufferPointer(start: data, count: Int(length))))
    return length
}

private func dtlsSinkControl(_: OpaquePointer?, _ command: Int32, _: Int, _: UnsafeMutableRawPointer?) -> Int {
    command == Int32(COSSL_CTRL_FLUSH) ? 1 : 0
}

private func dtlsSinkCreate(_ bio: OpaquePointer?) -> Int32 {
    guard let bio else { return 0 }
    cossl_bio_set_init(bio)
    return 1
}

private func dtlsVerifyPeer(_ preverified: Int32, _ store: OpaquePointer?) -> Int32 {
    guard let store else { return 0 }
    // Self-signed certificates fail OpenSSL's chain check; the fingerprint is what counts.
    if X509_STORE_CTX_get_error_depth(store) != 0 { return 1 }
    guard let sslRaw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
        let sessionRaw = SSL_get_ex_data(OpaquePointer(sslRaw), 0),
        let certificate = X509_STORE_CTX_get_current_cert(store)
    else { return 0 }
    let session = Unmanaged<DtlsSession>.fromOpaque(sessionRaw).takeUnretainedValue()
    return session.verifyLeaf(certificate) ? 1 : 0
}
