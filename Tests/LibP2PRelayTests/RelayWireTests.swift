import Crypto
import LibP2PCore
import Testing
@testable import LibP2PRelay

@Suite struct RelayWireTests {
    let alice = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
    let relay = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))

    @Test func reserveIsTypeZeroOnly() throws {
        // HopMessage{type: RESERVE}: field 1 varint 0.
        #expect(RelayWire.encodeReserve() == [0x08, 0x00])
        #expect(try RelayWire.decodeHop([0x08, 0x00]) == .reserve)
    }

    @Test func connectCarriesTheTargetPeer() throws {
        let bytes = RelayWire.encodeConnect(to: alice)
        // type CONNECT (1), then field 2 (Peer) holding field 1 (id).
        #expect(Array(bytes.prefix(3)) == [0x08, 0x01, 0x12])
        #expect(try RelayWire.decodeHop(bytes) == .connect(target: alice))
    }

    @Test func statusWithReservationRoundTrips() throws {
        let address = try Multiaddr("/ip4/192.0.2.7/tcp/4001/p2p/\(relay)")
        let reply = RelayWire.HopReply(
            status: .ok, reservation: .init(expire: 1_900_000_000, addresses: [address], voucher: [1, 2, 3]),
            limit: CircuitLimit(duration: .seconds(120), data: 1 << 17))
        #expect(try RelayWire.decodeHop(RelayWire.encode(reply)) == .status(reply))
    }

    @Test func stopMessagesRoundTrip() throws {
        let limit = CircuitLimit(duration: .seconds(60), data: nil)
        #expect(try RelayWire.decodeStop(RelayWire.encodeStopConnect(from: alice, limit: limit)) == .connect(source: alice, limit: limit))
        // StopMessage{type: STATUS, status: OK}: field 1 = 1, field 4 = 100.
        #expect(RelayWire.encodeStopStatus(.ok) == [0x08, 0x01, 0x20, 0x64])
        #expect(try RelayWire.decodeStop([0x08, 0x01, 0x20, 0x64]) == .status(.ok))
    }

    @Test func hostileInputIsRefusedNotTrapped() {
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([]) }  // no type
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([0x08, 0x01]) }  // CONNECT without peer
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([0x08, 0x01, 0x12, 0x02, 0x0A, 0x00]) }  // empty id
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([0x08, 0x02, 0x28, 0x07]) }  // unknown status
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([0xFF, 0xFF, 0xFF]) }
        #expect(throws: RelayWireError.self) { try RelayWire.decodeHop([UInt8](repeating: 0, count: 5000)) }
        #expect(throws: RelayWireError.self) { try RelayWire.decodeStop([0x08, 0x00]) }  // CONNECT without peer
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? RelayWire.decodeHop(bytes)
            _ = try? RelayWire.decodeStop(bytes)
            _ = try? ReservationVoucher.open(bytes)
        }
    }

    @Test func unknownAddressesAreDroppedNotFatal() throws {
        let good = try Multiaddr("/ip4/192.0.2.7/tcp/4001")
        let reply = RelayWire.HopReply(status: .ok, reservation: .init(expire: 1, addresses: [good], voucher: nil))
        var bytes = RelayWire.encode(reply)
        // Append a second `addrs` entry (field 2 inside the Reservation) that is not a multiaddr,
        // by re-encoding the reservation by hand: 0x1A len { 0x08 0x01, 0x12 n good, 0x12 2 FF FF }.
        let inner: [UInt8] = [0x08, 0x01, 0x12, UInt8(good.bytes.count)] + good.bytes + [0x12, 0x02, 0xFF, 0xFF]
        bytes = [0x08, 0x02, 0x28, 0x64, 0x1A, UInt8(inner.count)] + inner
        guard case .status(let decoded) = try RelayWire.decodeHop(bytes) else { Issue.record("not a status"); return }
        #expect(decoded.reservation?.addresses == [good])
    }
}

@Suite struct ReservationVoucherTests {
    @Test func sealedVoucherOpensAndNamesItsSigner() throws {
        let relayKey = Curve25519.Signing.PrivateKey()
        let relay = PeerID(ed25519PublicKey: Array(relayKey.publicKey.rawRepresentation))
        let peer = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        let voucher = ReservationVoucher(relay: relay, peer: peer, expiration: 1_900_000_000)
        let bytes = try voucher.sealed(by: relayKey)
        #expect(try ReservationVoucher.open(bytes) == voucher)
    }

    @Test func tamperedOrForeignVouchersAreRefused() throws {
        let relayKey = Curve25519.Signing.PrivateKey()
        let otherKey = Curve25519.Signing.PrivateKey()
        let relay = PeerID(ed25519PublicKey: Array(relayKey.publicKey.rawRepresentation))
        let peer = PeerID(ed25519PublicKey: Array(otherKey.publicKey.rawRepresentation))
        var bytes = try ReservationVoucher(relay: relay, peer: peer, expiration: 5).sealed(by: relayKey)
        bytes[bytes.count - 3] ^= 0x01  // inside the signature
        #expect(throws: SignedEnvelope.OpenError.badSignature) { try ReservationVoucher.open(bytes) }
        // Signed by someone other than the relay it names.
        let forged = try ReservationVoucher(relay: relay, peer: peer, expiration: 5).sealed(by: otherKey)
        #expect(throws: SignedEnvelope.OpenError.badSignature) { try ReservationVoucher.open(forged) }
        // The same payload under another domain does not open as a voucher.
        let elsewhere = try SignedEnvelope.seal(
            payload: [1], payloadType: ReservationVoucher.payloadType, domain: "libp2p-routing-state", key: relayKey)
        #expect(throws: SignedEnvelope.OpenError.badSignature) { try ReservationVoucher.open(elsewhere) }
    }

    @Test func signedBytesFollowTheRFC() {
        // uvarint(len) ‖ domain ‖ uvarint(len) ‖ type ‖ uvarint(len) ‖ payload.
        let bytes = SignedEnvelope.signedBytes(domain: "ab", payloadType: [0x03, 0x02], payload: [9])
        #expect(bytes == [2, 0x61, 0x62, 2, 0x03, 0x02, 1, 9])
        #expect(ReservationVoucher.payloadType == [0x03, 0x02])
    }
}

@Suite struct RelayHopTests {
    func peer() -> PeerID { PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)) }

    @Test func reservationsAreBoundedAndExpire() {
        var limits = RelayLimits()
        limits.maxReservations = 2
        limits.reservationTTL = .seconds(60)
        var hop = RelayHop(limits: limits)
        let start = ContinuousClock.now
        let (a, b, c) = (peer(), peer(), peer())
        #expect(hop.reserve(a, now: start) == .granted)
        #expect(hop.reserve(b, now: start) == .granted)
        #expect(hop.reserve(c, now: start) == .refused(.resourceLimitExceeded))
        #expect(hop.reserve(a, now: start + .seconds(30)) == .granted)  // a refresh is not a new slot
        #expect(hop.reserve(c, now: start + .seconds(61)) == .granted)  // b ran out
        #expect(!hop.hasReservation(b, now: start + .seconds(61)))
        #expect(hop.hasReservation(a, now: start + .seconds(61)))
    }

    @Test func circuitsNeedAReservationAndAreCounted() {
        var limits = RelayLimits()
        limits.maxCircuitsPerPeer = 2
        limits.maxCircuits = 3
        var hop = RelayHop(limits: limits)
        let now = ContinuousClock.now
        let (a, b, c, d) = (peer(), peer(), peer(), peer())
        #expect(hop.openCircuit(from: a, to: b, now: now) == .refused(.noReservation))
        _ = hop.reserve(b, now: now)
        _ = hop.reserve(d, now: now)
        #expect(hop.openCircuit(from: b, to: b, now: now) == .refused(.permissionDenied))
        #expect(hop.openCircuit(from: a, to: b, now: now) == .granted)
        #expect(hop.openCircuit(from: c, to: b, now: now) == .granted)
        #expect(hop.openCircuit(from: d, to: b, now: now) == .refused(.resourceLimitExceeded))  // b has 2
        #expect(hop.openCircuit(from: a, to: d, now: now) == .granted)
        #expect(hop.circuitCount == 3)
        #expect(hop.openCircuit(from: c, to: d, now: now) == .refused(.resourceLimitExceeded))  // 3 in total
        hop.closeCircuit(source: a, target: b)
        #expect(hop.circuitCount == 2)
        #expect(hop.openCircuit(from: c, to: d, now: now) == .granted)
        hop.dropReservation(of: b)
        #expect(hop.openCircuit(from: a, to: b, now: now) == .refused(.noReservation))
    }
}

@Suite struct CircuitAddressTests {
    @Test func splitsRelayAndTarget() throws {
        let relay = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        let target = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        let address = try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(relay)/p2p-circuit/p2p/\(target)")
        let circuit = try #require(CircuitAddress(address))
        #expect(circuit.relayPeer == relay)
        #expect(circuit.target == target)
        #expect(circuit.relay == (try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(relay)")))
        #expect(CircuitAddress.make(relay: circuit.relay, target: target) == address)
        #expect(CircuitAddress(try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(relay)/p2p-circuit"))?.target == nil)
        #expect(CircuitAddress(try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p-circuit/p2p/\(target)")) == nil)  // no relay id
        #expect(CircuitAddress(try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(target)")) == nil)
        #expect(
            CircuitAddress(try Multiaddr("/p2p/\(relay)/p2p-circuit/p2p/\(target)/p2p-circuit/p2p/\(relay)")) == nil)
    }
}
