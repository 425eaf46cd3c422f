import LibP2PCore
import LibP2PNAT
import Testing

/// Bytes produced by py-libp2p 0.8.1 (the interop peer) with its generated `autonat_pb2` and
/// `dcutr_pb2`: the peer of the Ed25519 key `[1] * 32`, the address `/ip4/1.2.3.4/tcp/4001`.
/// Ours must be byte-identical, and must decode theirs.
@Suite struct PyLibp2pVectorTests {
    let address = ma("/ip4/1.2.3.4/tcp/4001")

    @Test func autoNATDial() throws {
        let py = hex("""
            080012340a320a26002408011220010101010101010101010101010101010101010101010101010101010101\
            010112080401020304060fa1
            """)
        let request = AutoNATDialRequest(peerID: testPeer(1), addresses: [address])
        #expect(request.serializedBytes() == py)
        #expect(try AutoNATMessageIn.decode(py) == .dial(AutoNATDialRequestIn(claimedPeerID: testPeer(1), addresses: [address])))
    }

    @Test func autoNATResponses() throws {
        let ok = hex("08011a0c08001a080401020304060fa1")
        let error = hex("08011a0f0864120b6469616c206661696c6564")
        #expect(AutoNATDialResponse.ok(address).serializedBytes() == ok)
        #expect(AutoNATDialResponse.failure(.dialError, "dial failed").serializedBytes() == error)
        #expect(try AutoNATMessageIn.decode(ok) == .dialResponse(.ok(address)))
        #expect(try AutoNATMessageIn.decode(error) == .dialResponse(.failure(.dialError, "dial failed")))
    }

    @Test func holePunch() throws {
        let connect = hex("086412080401020304060fa1")
        let sync = hex("08ac02")
        #expect(HolePunchMessage.connect([address]).serializedBytes() == connect)
        #expect(HolePunchMessage.sync.serializedBytes() == sync)
        #expect(try HolePunchMessage.decode(connect) == .connect([address]))
        #expect(try HolePunchMessage.decode(sync) == .sync)
    }
}
