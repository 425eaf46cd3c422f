import Testing
@testable import VarianceCallTransport

/// Two DTLS sessions passing datagrams in memory, no sockets.
@Suite("DTLS-SRTP in memory")
struct DtlsSrtpTests {
    struct Pair {
        let client: DtlsSession
        let server: DtlsSession
    }

    static func makePair(profiles: [SrtpProfile] = SrtpProfile.allCases, serverExpects: String? = nil) throws -> Pair {
        let clientIdentity = try DtlsIdentity()
        let serverIdentity = try DtlsIdentity()
        let client = try DtlsSession(
            identity: clientIdentity, role: .client, remoteFingerprint: serverIdentity.fingerprint, profiles: profiles)
        let server = try DtlsSession(
            identity: serverIdentity, role: .server,
            remoteFingerprint: serverExpects ?? clientIdentity.fingerprint, profiles: profiles)
        return Pair(client: client, server: server)
    }

    /// Shuttles datagrams until both sides stop talking; returns the keys each side derived.
    static func run(_ pair: Pair, dropFirstFlight: Bool = false) async -> (SrtpKeyingMaterial?, SrtpKeyingMaterial?) {
        var toServer = pair.client.start().datagrams
        if dropFirstFlight {
            // The ClientHello was lost: the retransmission timer must resend it.
            toServer = await pair.client.retransmitAtDeadline()
        }
        var clientKeys: SrtpKeyingMaterial?
        var serverKeys: SrtpKeyingMaterial?
        for _ in 0..<20 where !toServer.isEmpty {
            var toClient: [[UInt8]] = []
            for datagram in toServer {
                let output = pair.server.receive(datagram)
                toClient += output.datagrams
                serverKeys = serverKeys ?? output.keys
            }
            toServer = []
            for datagram in toClient {
                let output = pair.client.receive(datagram)
                toServer += output.datagrams
                clientKeys = clientKeys ?? output.keys
            }
        }
        return (clientKeys, serverKeys)
    }

    @Test("fingerprints look like SDP wants them")
    func fingerprintFormat() throws {
        let identity = try DtlsIdentity()
        let parts = identity.fingerprint.split(separator: ":")
        #expect(parts.count == 32)
        #expect(parts.allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(try DtlsIdentity().fingerprint != identity.fingerprint)
    }

    @Test("handshake, keys and SRTP for each profile", arguments: SrtpProfile.allCases)
    func profiles(profile: SrtpProfile) async throws {
        let pair = try Self.makePair(profiles: [profile])
        let (clientKeys, serverKeys) = await Self.run(pair)
        let client = try #require(clientKeys)
        let server = try #require(serverKeys)
        #expect(client.profile == profile && server.profile == profile)
        #expect(client.local == server.remote && client.remote == server.local)
        #expect(client.local != client.remote)

        let sender = try SrtpSession(keys: client)
        let receiver = try SrtpSession(keys: server)
        let rtp: [UInt8] = [0x80, 111, 0, 1, 0, 0, 3, 192, 0, 0, 0, 9] + Array(repeating: 0xAB, count: 100)
        let protected = try sender.protectRTP(rtp)
        #expect(protected.count > rtp.count && protected.prefix(12) == rtp.prefix(12))
        #expect(try receiver.unprotectRTP(protected) == rtp)
        #expect(throws: SrtpSession.Failure.self) { try receiver.unprotectRTP(protected) }  // replay
        var tampered = try sender.protectRTP([0x80, 111, 0, 2, 0, 0, 7, 128, 0, 0, 0, 9, 1, 2, 3])
        tampered[13] ^= 1
        #expect(throws: SrtpSession.Failure.self) { try receiver.unprotectRTP(tampered) }

        let rtcp: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 9]
        let protectedRTCP = try sender.protectRTCP(rtcp)
        #expect(try receiver.unprotectRTCP(protectedRTCP) == rtcp)
        // And the other direction.
        let back = try receiver.protectRTP(rtp)
        #expect(try sender.unprotectRTP(back) == rtp)
    }

    @Test("the client's choice of profile follows our preference")
    func preference() async throws {
        let (keys, _) = await Self.run(try Self.makePair())
        #expect(keys?.profile == .aeadAes256Gcm)
    }

    @Test("a wrong fingerprint aborts the handshake on both sides")
    func mismatch() async throws {
        let pair = try Self.makePair(serverExpects: try DtlsIdentity().fingerprint)
        let (clientKeys, serverKeys) = await Self.run(pair)
        #expect(clientKeys == nil && serverKeys == nil)
        #expect(pair.server.phase == .failed(.fingerprintMismatch))
        if case .failed = pair.client.phase {} else { Issue.record("client is \(pair.client.phase)") }
    }

    @Test("a lost ClientHello is retransmitted by the timer")
    func retransmission() async throws {
        let pair = try Self.makePair()
        let (clientKeys, serverKeys) = await Self.run(pair, dropFirstFlight: true)
        #expect(clientKeys != nil && serverKeys != nil)
    }

    @Test("setup roles")
    func roles() {
        #expect(DtlsRole(local: .actpass, remote: .active) == .server)
        #expect(DtlsRole(local: .actpass, remote: .passive) == .client)
        #expect(DtlsRole(local: .active, remote: .actpass) == .client)
        #expect(DtlsRole(local: .passive, remote: .actpass) == .server)
        #expect(DtlsRole(local: .active, remote: .active) == nil)
        #expect(DtlsRole(local: .actpass, remote: .actpass) == nil)
        #expect(DtlsSetup.actpass.answer() == .active)
    }
}

extension DtlsSession {
    /// Waits for the deadline the session itself reports, then fires its timer.
    func retransmitAtDeadline() async -> [[UInt8]] {
        for _ in 0..<10 {
            guard let wait = nextTimeout else { return [] }
            try? await Task.sleep(for: wait + .milliseconds(1))
            let output = handleTimeout()
            if !output.datagrams.isEmpty { return output.datagrams }
        }
        return []
    }
}
