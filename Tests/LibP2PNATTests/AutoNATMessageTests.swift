import Foundation
import LibP2PCore
import LibP2PNAT
import LibP2PProtos
import Testing

@Suite struct AutoNATMessageTests {
    /// `/ip4/1.2.3.4/tcp/4001` in binary.
    let addressBytes = hex("04 01020304 06 0fa1")
    /// The peer ID of the Ed25519 key `[1] * 32`: identity multihash of the `PublicKey` protobuf.
    var peerBytes: [UInt8] { hex("00 24 08 01 12 20") + Array(repeating: 1, count: 32) }

    /// A DIAL written by hand from the specification's field numbers:
    /// `type`(1) = DIAL(0), `dial`(2) { `peer`(1) { `id`(1), `addrs`(2) } }.
    var handWrittenDial: [UInt8] {
        hex("08 00 12 34 0a 32 0a 26") + peerBytes + hex("12 08") + addressBytes
    }

    @Test func encodesDialAsTheSpecification() {
        let request = AutoNATDialRequest(peerID: testPeer(1), addresses: [ma("/ip4/1.2.3.4/tcp/4001")])
        #expect(testPeer(1).bytes == peerBytes)
        #expect(request.serializedBytes() == handWrittenDial)
        #expect(request.framedBytes() == [UInt8(handWrittenDial.count)] + handWrittenDial)
    }

    @Test func decodesHandWrittenDial() throws {
        let message = try AutoNATMessageIn.decode(handWrittenDial)
        #expect(message == .dial(AutoNATDialRequestIn(claimedPeerID: testPeer(1), addresses: [ma("/ip4/1.2.3.4/tcp/4001")])))
    }

    @Test func decodesHandWrittenResponses() throws {
        // type = DIAL_RESPONSE(1), dialResponse(3) { status(1) = OK(0), addr(3) }.
        let ok = hex("08 01 1a 0c 08 00 1a 08") + addressBytes
        #expect(try AutoNATMessageIn.decode(ok) == .dialResponse(.ok(ma("/ip4/1.2.3.4/tcp/4001"))))
        #expect(AutoNATDialResponse.ok(ma("/ip4/1.2.3.4/tcp/4001")).serializedBytes() == ok)
        // status = E_DIAL_ERROR(100), statusText(2) = "dial failed".
        let error = hex("08 01 1a 0f 08 64 12 0b") + Array("dial failed".utf8)
        #expect(try AutoNATMessageIn.decode(error) == .dialResponse(.failure(.dialError, "dial failed")))
        #expect(AutoNATDialResponse.failure(.dialError, "dial failed").serializedBytes() == error)
        // E_DIAL_REFUSED 101, E_BAD_REQUEST 200 (c8 01), E_INTERNAL_ERROR 300 (ac 02).
        for (status, varint) in [(AutoNATResponseStatus.dialRefused, "65"), (.badRequest, "c801"), (.internalError, "ac02")] {
            let bytes = hex("08 01 1a") + [UInt8(1 + hex(varint).count)] + hex("08" + varint)
            #expect(try AutoNATMessageIn.decode(bytes) == .dialResponse(AutoNATDialResponse(status: status)))
            #expect(AutoNATDialResponse(status: status).serializedBytes() == bytes)
        }
    }

    @Test func roundTrips() throws {
        let addresses = [ma("/ip4/1.2.3.4/tcp/4001"), ma("/ip6/2606:4700::1/udp/4001/quic-v1"), ma("/dns4/example.com/tcp/1")]
        let request = AutoNATDialRequest(peerID: testPeer(9), addresses: addresses)
        let expected = AutoNATDialRequestIn(claimedPeerID: testPeer(9), addresses: addresses)
        #expect(try AutoNATMessageIn.decode(request.serializedBytes()) == .dial(expected))
        let response = AutoNATDialResponse(status: .ok, statusText: "fine", address: addresses[1])
        #expect(try AutoNATMessageIn.decode(response.serializedBytes()) == .dialResponse(response))
    }

    @Test func truncatesLongStatusTextOnCharacterBoundary() throws {
        let long = String(repeating: "é", count: 200)  // 400 bytes
        let bytes = AutoNATDialResponse.failure(.dialError, long).serializedBytes()
        guard case .dialResponse(let decoded) = try AutoNATMessageIn.decode(bytes) else { Issue.record("not a response"); return }
        #expect(decoded.statusText.utf8.count == 256)
        #expect(decoded.statusText == String(repeating: "é", count: 128))
    }

    @Test func dropsUnparsableAddressesAndToleratesUnknownFields() throws {
        var wire = AutoNATDialRequest(peerID: testPeer(1), addresses: [ma("/ip4/1.2.3.4/tcp/4001")]).wire
        wire.dial.peer.addrs.append(Data([0xFF, 0xFF, 0xFF]))
        var bytes = (try wire.serializedBytes() as [UInt8])
        bytes += hex("f8 01 07")  // field 31, varint 7: unknown
        guard case .dial(let request) = try AutoNATMessageIn.decode(bytes) else { Issue.record("not a dial"); return }
        #expect(request.addresses == [ma("/ip4/1.2.3.4/tcp/4001")])
        #expect(request.unparsableAddressCount == 1)
        // An OK whose address does not parse reads as OK without an address.
        #expect(try AutoNATMessageIn.decode(hex("08 01 1a 05 08 00 1a 01 ff")) == .dialResponse(AutoNATDialResponse(status: .ok)))
    }

    @Test func refusesMalformedAndHostileInput() throws {
        let cases: [([UInt8], NATWireError)] = [
            ([0x0A], .malformed),                              // truncated tag
            (hex("08 00 12 05 0a"), .malformed),               // length past the end
            ([], .unknownMessageType),                         // no type
            (hex("08 05"), .unknownMessageType),               // type 5 is not in the enum
            (hex("08 00"), .missingField("dial.peer")),        // DIAL without dial
            (hex("08 00 12 00"), .missingField("dial.peer")),
            (hex("08 00 12 02 0a 00"), .missingField("dial.peer.id")),
            (hex("08 00 12 06 0a 04 0a 02 12 00"), .invalidPeerID),
            (hex("08 01"), .missingField("dialResponse")),
            (hex("08 01 1a 00"), .unknownStatus),
            (hex("08 01 1a 02 08 07"), .unknownStatus),        // status 7 is not in the enum
            (hex("08 01 1a 04 12 02 c3 28"), .malformed),      // invalid UTF-8 in statusText
            (Array(repeating: 0, count: AutoNATProtocol.maxMessageSize + 1), .messageTooLarge(size: 8193, limit: 8192)),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected) { try AutoNATMessageIn.decode(bytes) }
        }
        var wire = AutoNATDialRequest(peerID: testPeer(1), addresses: []).wire
        wire.dial.peer.addrs = Array(repeating: Data([4, 1, 2, 3, 4]), count: 65)
        #expect(throws: NATWireError.tooManyAddresses(count: 65, limit: 64)) {
            try AutoNATMessageIn.decode((try wire.serializedBytes() as [UInt8]))
        }
        var response = AutoNATDialResponse.failure(.dialError, "").wire
        response.dialResponse.statusText = String(repeating: "x", count: 257)
        #expect(throws: NATWireError.statusTextTooLong(length: 257, limit: 256)) {
            try AutoNATMessageIn.decode((try response.serializedBytes() as [UInt8]))
        }
    }

    @Test func survivesRandomBytes() {
        var random = SplitMix64(seed: 42)
        for length in 0..<600 {
            let bytes = random.bytes(length % 97)
            _ = try? AutoNATMessageIn.decode(bytes)
            // Mutations of a valid message.
            var mutated = handWrittenDial
            mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            _ = try? AutoNATMessageIn.decode(mutated)
            _ = try? AutoNATMessageIn.decode(Array(handWrittenDial.prefix(length % handWrittenDial.count)))
        }
    }
}
