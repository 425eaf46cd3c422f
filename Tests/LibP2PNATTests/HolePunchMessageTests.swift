import Foundation
import LibP2PCore
import LibP2PNAT
import LibP2PProtos
import Testing

@Suite struct HolePunchMessageTests {
    /// `/ip4/1.2.3.4/tcp/4001` in binary.
    let addressBytes = hex("04 01020304 06 0fa1")

    @Test func encodesAsTheSpecification() {
        // type(1) = CONNECT(100), ObsAddrs(2).
        #expect(HolePunchMessage.connect([ma("/ip4/1.2.3.4/tcp/4001")]).serializedBytes() == hex("08 64 12 08") + addressBytes)
        // type(1) = SYNC(300).
        #expect(HolePunchMessage.sync.serializedBytes() == hex("08 ac 02"))
        #expect(HolePunchMessage.sync.framedBytes() == hex("03 08 ac 02"))
    }

    @Test func decodesHandWrittenBytes() throws {
        let connect = try HolePunchMessage.decode(hex("08 64 12 08") + addressBytes)
        #expect(connect == .connect([ma("/ip4/1.2.3.4/tcp/4001")]))
        #expect(try HolePunchMessage.decode(hex("08 ac 02")) == .sync)
        // Fields in any order, and unknown fields, are accepted.
        #expect(try HolePunchMessage.decode(hex("12 08") + addressBytes + hex("f8 01 01 08 64")) == connect)
    }

    @Test func roundTrips() throws {
        let message = HolePunchMessage.connect([
            ma("/ip4/1.2.3.4/tcp/4001"), ma("/ip6/2606:4700::1/udp/4001/quic-v1"), ma("/dns4/example.com/tcp/443/wss"),
        ])
        #expect(try HolePunchMessage.decode(message.serializedBytes()) == message)
    }

    @Test func dropsUnusableAddresses() throws {
        var wire = HolePunchMessage.connect([]).wire
        let relayed = ma("/ip4/5.6.7.8/tcp/1/p2p/\(testPeer(3))/p2p-circuit")
        wire.obsAddrs = [
            Data(addressBytes), Data([0xFF, 0x01]), Data(relayed.bytes), Data(addressBytes),
            Data(hex("35 ff 01") + Array(repeating: 0x61, count: 255)),  // /dns4 of 255 bytes: over 256 in all
        ]
        let message = try HolePunchMessage.decode((try wire.serializedBytes() as [UInt8]))
        #expect(message.addresses == [ma("/ip4/1.2.3.4/tcp/4001")])
        #expect(message.droppedAddressCount == 4)
        // At most 20 are kept.
        wire.obsAddrs = (1...30).map { Data(ma("/ip4/1.2.3.4/tcp/\($0)").bytes) }
        let many = try HolePunchMessage.decode((try wire.serializedBytes() as [UInt8]))
        #expect(many.addresses.count == 20)
        #expect(many.droppedAddressCount == 10)
    }

    @Test func refusesMalformedAndHostileInput() throws {
        let cases: [([UInt8], NATWireError)] = [
            ([], .unknownMessageType),                        // required type missing
            (hex("12 08") + addressBytes, .unknownMessageType),
            (hex("08 c8 01"), .unknownMessageType),           // 200 is not a Type
            (hex("08"), .malformed),
            (hex("08 64 12 09") + addressBytes, .malformed),  // length past the end
            (hex("0a 00"), .unknownMessageType),              // type with the wrong wire type is not a type
            (Array(repeating: 0, count: 4097), .messageTooLarge(size: 4097, limit: 4096)),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected) { try HolePunchMessage.decode(bytes) }
        }
        var wire = HolePunchMessage.connect([]).wire
        wire.obsAddrs = Array(repeating: Data([0x00]), count: 65)
        #expect(throws: NATWireError.tooManyAddresses(count: 65, limit: 64)) {
            try HolePunchMessage.decode((try wire.serializedBytes() as [UInt8]))
        }
    }

    @Test func survivesRandomBytes() {
        var random = SplitMix64(seed: 7)
        let valid = HolePunchMessage.connect([ma("/ip4/1.2.3.4/tcp/4001"), ma("/ip6/::1/udp/1/quic-v1")]).serializedBytes()
        for length in 0..<600 {
            _ = try? HolePunchMessage.decode(random.bytes(length % 61))
            var mutated = valid
            mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            _ = try? HolePunchMessage.decode(mutated)
        }
    }

    @Test func fuzzEntryPointSurvivesGarbageAndValidMessages() {
        var random = SplitMix64(seed: 99)
        var inputs: [[UInt8]] = [
            [], HolePunchMessage.sync.framedBytes(), HolePunchMessage.connect([ma("/ip4/127.0.0.1/tcp/1")]).framedBytes(),
            AutoNATDialRequest(peerID: testPeer(7), addresses: [ma("/ip4/127.0.0.1/tcp/1")]).serializedBytes(),
            AutoNATDialResponse.ok(ma("/ip4/1.2.3.4/tcp/1")).serializedBytes(),
        ]
        for length in 0..<300 { inputs.append(random.bytes(length)) }
        for input in inputs { NATFuzz.run(input) }
    }
}
