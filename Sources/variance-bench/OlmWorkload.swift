// Our side of `variance-bench olm`: VarianceOlm messages per second, measured exactly as
// scripts/bench/olm_anchor.py measures vodozemac and libolm (see there, and docs/PERFORMANCE.md,
// section "Olm").
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import VarianceOlm

/// How the messages of one cell flow.
enum OlmMode: String, CaseIterable {
    /// A encrypts, B decrypts, again and again: one sending chain, no DH ratchet step.
    case oneWay = "oneway"
    /// A → B, B → A, …: every change of direction is a DH ratchet step (a new X25519 key pair
    /// and two X25519 agreements per message, one on each side).
    case alternating

    var label: String { self == .oneWay ? "one-way" : "alternating" }
}

/// One column of the table: a mode and a plaintext size.
struct OlmCell: Hashable {
    var mode: OlmMode
    var size: Int

    /// 100 B and 10 KiB, each one way and alternating, in the order of the table.
    static let all: [OlmCell] = [100, 10 * 1024].flatMap { size in OlmMode.allCases.map { OlmCell(mode: $0, size: size) } }

    var sizeLabel: String { size >= 1024 && size % 1024 == 0 ? "\(size / 1024) KiB" : "\(size) B" }
    var label: String { "\(sizeLabel) \(mode.label)" }
    var key: String { "\(mode.rawValue)-\(size)" }
}

/// What one timed run produced: messages (one encrypt plus one decrypt each) and wall time.
struct OlmSample {
    var messages: Int
    var ns: UInt64
    var perSecond: Double { ns == 0 ? 0 : Double(messages) / (Double(ns) / 1e9) }
}

enum OlmWorkload {
    static let warmupBatches = 2
    static let batch = 32

    /// The plaintext of `size` random ASCII letters (as the anchor's, for the same reason:
    /// libolm's Python binding decodes what it decrypts as text).
    static func plaintext(_ size: Int) -> [UInt8] {
        var rng = SplitMix64(seed: UInt64(size))
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        return (0..<size).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
    }

    /// A session pair as in real use: A's pre-key message, B's inbound session and its
    /// reply, which A decrypts. Keys from the system random generator.
    static func establishedPair() throws -> (a: OlmSession, b: OlmSession) {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(1)
        let otk = bob.oneTimeKeys[0].key
        bob.markKeysAsPublished()
        var a = try alice.createOutboundSession(identityKey: bob.curve25519Key, oneTimeKey: otk)
        let first = try a.encrypt(Array("hello".utf8))
        guard case .preKey(let pre) = try OlmMessage(type: first.messageType, bytes: first.bytes) else {
            throw BenchError("olm: the first message is not a pre-key message")
        }
        var (b, plaintext) = try bob.createInboundSession(theirIdentityKey: alice.curve25519Key, message: pre)
        guard plaintext == Array("hello".utf8) else { throw BenchError("olm: pre-key plaintext mismatch") }
        guard try transfer(from: &b, to: &a, Array("reply".utf8)) else { throw BenchError("olm: reply mismatch") }
        return (a, b)
    }

    /// One message through the wire form: encrypt, bytes, decode, decrypt. Whether the
    /// plaintext came out unchanged.
    @inline(never)
    static func transfer(from sender: inout OlmSession, to receiver: inout OlmSession, _ plaintext: [UInt8]) throws -> Bool {
        let message = try sender.encrypt(plaintext)
        let wire = message.bytes
        let received = try OlmMessage(type: message.messageType, bytes: wire)
        return sameBytes(try receiver.decrypt(received), plaintext)
    }

    /// `a == b` with memcmp, as Python compares `bytes` (Array's `==` goes byte by byte).
    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in a.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
    }

    /// One cell on a fresh pair: `warmupBatches` batches, then batches of `batch` messages
    /// until `seconds` have passed (or, given `messages`, that many rounded up to a batch).
    static func measure(_ cell: OlmCell, seconds: Double, messages: Int? = nil) throws -> OlmSample {
        var (a, b) = try establishedPair()
        let text = plaintext(cell.size)
        func runBatch() throws {
            switch cell.mode {
            case .oneWay:
                for _ in 0..<batch {
                    guard try transfer(from: &a, to: &b, text) else { throw BenchError("olm: plaintext mismatch") }
                }
            case .alternating:
                for _ in 0..<(batch / 2) {
                    guard try transfer(from: &a, to: &b, text), try transfer(from: &b, to: &a, text) else {
                        throw BenchError("olm: plaintext mismatch")
                    }
                }
            }
        }
        for _ in 0..<warmupBatches { try runBatch() }
        let limit = UInt64(seconds * 1e9)
        var n = 0
        let start = nowNs()
        var elapsed: UInt64 = 0
        repeat {
            try runBatch()
            n += batch
            elapsed = nowNs() - start
        } while messages.map { n < $0 } ?? (elapsed < limit)
        return OlmSample(messages: n, ns: elapsed)
    }
}

/// A small deterministic generator for the plaintexts (not for keys).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
