import Foundation
import Testing
@testable import VarianceOlm

/// VarianceOlm against vodozemac 0.10.0 and libolm (python-olm 3.2.16), in both roles.
/// The test drives both sides and carries the raw message bytes between them.
@Suite(.serialized, .enabled(if: OlmPeerProcess.pythonExists, "no .venv-interop/bin/python: run scripts/interop-venv.sh"))
struct OlmInteropTests {
    enum Opener { case swift, peer }

    /// One Swift account+session and one peer, driven by the test.
    struct Pairing {
        var account = OlmAccount()
        var session: OlmSession!
        let peer: OlmPeerProcess
        let peerIdentity: Curve25519PublicKey

        init(impl: String) throws {
            peer = try OlmPeerProcess()
            let reply = try peer.call(["op": "init", "impl": impl])
            peerIdentity = try Curve25519PublicKey(base64: reply["identity_key"] as! String)
            // The peer's Ed25519 signatures verify with our code.
            let ed = try #require(UnpaddedBase64.decode(reply["ed25519_key"] as! String))
            let sig = try peer.call(["op": "sign", "message": Self.b64([1, 2, 3])])["signature"] as! String
            #expect(Ed25519PublicKey(unchecked: ed).isValidSignature(UnpaddedBase64.decode(sig)!, for: [1, 2, 3]))
        }

        static func b64(_ b: [UInt8]) -> String { Data(b).base64EncodedString() }
        static func bytes(_ s: Any?) -> [UInt8] { UnpaddedBase64.decode(s as! String)! }

        /// Swift → peer: encrypts, and returns the message the peer would receive.
        mutating func swiftEncrypt(_ plaintext: [UInt8]) throws -> OlmMessage { try session.encrypt(plaintext) }

        /// Peer decrypts a Swift message.
        func peerDecrypt(_ m: OlmMessage) throws -> [UInt8] {
            Self.bytes(try peer.call(["op": "decrypt", "type": m.messageType, "body": Self.b64(m.bytes)])["plaintext"])
        }

        /// Peer encrypts; the bytes are parsed by our decoder.
        func peerEncrypt(_ plaintext: [UInt8]) throws -> OlmMessage {
            let r = try peer.call(["op": "encrypt", "plaintext": Self.b64(plaintext)])
            return try OlmMessage(type: r["type"] as! Int, bytes: Self.bytes(r["body"]))
        }

        mutating func open(_ opener: Opener) throws {
            let first: [UInt8] = Array("first contact".utf8) + [0xff, 0x00, 0x80]
            switch opener {
            case .swift:
                let otk = try Curve25519PublicKey(base64: (try peer.call(["op": "one_time_keys", "count": 5])["keys"] as! [String])[2])
                session = try account.createOutboundSession(identityKey: peerIdentity, oneTimeKey: otk)
                let m = try session.encrypt(first)
                #expect(m.messageType == 0)
                let r = try peer.call(["op": "inbound", "identity_key": account.curve25519Key.base64, "body": Self.b64(m.bytes)])
                #expect(Self.bytes(r["plaintext"]) == first)
                #expect(r["session_id"] as? String == session.sessionId)
            case .peer:
                account.generateOneTimeKeys(5)
                let otk = account.oneTimeKeys[3].key
                account.markKeysAsPublished()
                let sid = try peer.call(["op": "outbound", "identity_key": account.curve25519Key.base64, "one_time_key": otk.base64])
                let m = try peerEncrypt(first)
                guard case .preKey(let pre) = m else { Issue.record("peer did not send a pre-key message"); return }
                let (s, plaintext) = try account.createInboundSession(theirIdentityKey: peerIdentity, message: pre)
                #expect(plaintext == first)
                #expect(sid["session_id"] as? String == s.sessionId)
                #expect(account.oneTimeKeyStore.count == 4)
                session = s
            }
        }
    }

    static func payload(_ i: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<(i % 97)).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    static func run(impl: String, opener: Opener) throws {
        var p = try Pairing(impl: impl)
        defer { p.peer.close() }
        try p.open(opener)

        // Several more pre-key messages from the opener before any reply.
        for i in 0..<5 {
            let text = payload(i + 1)
            if opener == .swift {
                let m = try p.swiftEncrypt(text)
                #expect(m.messageType == 0)
                #expect(try p.peerDecrypt(m) == text)
            } else {
                let m = try p.peerEncrypt(text)
                #expect(m.messageType == 0)
                #expect(try p.session.decrypt(m) == text)
            }
        }

        // 1,000 alternating, starting with the receiver's reply.
        for i in 0..<1000 {
            let text = payload(i)
            let swiftSends = (i % 2 == 0) == (opener == .peer)
            if swiftSends {
                let m = try p.swiftEncrypt(text)
                #expect(m.messageType == (p.session.hasReceivedMessage ? 1 : 0))
                #expect(try p.peerDecrypt(m) == text)
            } else {
                #expect(try p.session.decrypt(p.peerEncrypt(text)) == text)
            }
        }

        // 1,000 one-way in each direction.
        for i in 0..<1000 {
            let text = payload(i)
            let m = try p.swiftEncrypt(text)
            #expect(m.messageType == 1)
            #expect(try p.peerDecrypt(m) == text)
        }
        for i in 0..<1000 {
            let text = payload(i)
            #expect(try p.session.decrypt(p.peerEncrypt(text)) == text)
        }

        // 20 out of order, each way; then one of them replayed (refused).
        var toPeer: [(OlmMessage, [UInt8])] = []
        var toSwift: [(OlmMessage, [UInt8])] = []
        for i in 0..<20 {
            let t = payload(i + 3)
            toPeer.append((try p.swiftEncrypt(t), t))
            let u = payload(i + 5)
            toSwift.append((try p.peerEncrypt(u), u))
        }
        for i in (0..<20).shuffled() { #expect(try p.peerDecrypt(toPeer[i].0) == toPeer[i].1) }
        for i in (0..<20).shuffled() { #expect(try p.session.decrypt(toSwift[i].0) == toSwift[i].1) }
        #expect(throws: OlmPeerProcess.PeerError.self) { try p.peerDecrypt(toPeer[11].0) }
        #expect(throws: OlmError.self) { try p.session.decrypt(toSwift[11].0) }

        // Tampered (a ciphertext byte, a MAC byte), refused each way; the original still works.
        let t = Array("tamper me".utf8)
        let mine = try p.swiftEncrypt(t)
        let theirs = try p.peerEncrypt(t)
        for offset in [12, 1] {
            var a = mine.bytes
            a[a.count - offset] ^= 0x04
            #expect(throws: OlmPeerProcess.PeerError.self) { try p.peerDecrypt(OlmMessage(type: 1, bytes: a)) }
            var b = theirs.bytes
            b[b.count - offset] ^= 0x04
            #expect(throws: OlmError.self) { try p.session.decrypt(OlmMessage(type: 1, bytes: b)) }
        }
        #expect(try p.peerDecrypt(mine) == t)
        #expect(try p.session.decrypt(theirs) == t)

        // The conversation goes on after a pickle round trip.
        let key = [UInt8](repeating: 7, count: 32)
        var restored = try OlmSession(pickle: p.session.pickle(key: key), key: key)
        let after = try restored.encrypt(Array("after pickle".utf8))
        #expect(try p.peerDecrypt(after) == Array("after pickle".utf8))
        #expect(try restored.decrypt(p.peerEncrypt([42])) == [42])
    }

    @Test func swiftOpensToVodozemac() throws { try Self.run(impl: "vodozemac", opener: .swift) }
    @Test func vodozemacOpensToSwift() throws { try Self.run(impl: "vodozemac", opener: .peer) }

    @Test(.enabled(if: OlmPeerProcess.canImport("olm"), "python-olm (libolm) is not installed in .venv-interop"))
    func swiftOpensToLibolm() throws { try Self.run(impl: "olm", opener: .swift) }

    @Test(.enabled(if: OlmPeerProcess.canImport("olm"), "python-olm (libolm) is not installed in .venv-interop"))
    func libolmOpensToSwift() throws { try Self.run(impl: "olm", opener: .peer) }
}
