import Crypto
import Synchronization
@testable import VarianceOffline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A clock the test moves by hand (Unix seconds).
final class TestClock: Sendable {
    private let seconds: Mutex<Int64>

    init(_ start: Int64 = 1_800_000_000) {
        seconds = Mutex(start)
    }

    var now: Int64 { seconds.withLock { $0 } }

    func advance(by delta: Int64) {
        seconds.withLock { $0 += delta }
    }

    /// The clock as the server's `now` closure.
    var source: @Sendable () -> Int64 { { self.now } }
}

/// A store in a fresh temporary directory; `cleanUp` removes it.
struct TestStore {
    let directory: String
    let store: OfflineStore
    var path: String { directory + "/offline.sqlite" }

    init(limits: OfflineLimits = .default) throws {
        directory = try makeTemporaryDirectory()
        store = try OfflineStore(path: directory + "/offline.sqlite", limits: limits, durability: .normal)
    }

    func cleanUp() {
        try? store.close()
        removeDirectory(directory)
    }
}

func makeTemporaryDirectory() throws -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/variance-offline-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw OfflineStoreError.io("mkdtemp") }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func removeDirectory(_ directory: String) {
    for name in ["offline.sqlite", "offline.sqlite-wal", "offline.sqlite-shm", "offline.sqlite-journal"] {
        _ = unlink(directory + "/" + name)
    }
    _ = rmdir(directory)
}

/// A recipient: an Ed25519 key pair and its mailbox name.
struct TestRecipient: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey
    var key: RecipientKey { try! RecipientKey(Array(privateKey.publicKey.rawRepresentation)) }

    init() {
        privateKey = Curve25519.Signing.PrivateKey()
    }

    func sign(_ transcript: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: transcript))
    }
}

/// Envelope ids 1, 2, 3, … (the number in the last two bytes).
func testID(_ n: Int) -> EnvelopeID {
    var bytes = Array(repeating: UInt8(0xA0), count: 16)
    bytes[14] = UInt8(n >> 8)
    bytes[15] = UInt8(n & 0xFF)
    return try! EnvelopeID(bytes)
}

func envelope(_ n: Int, to recipient: RecipientKey, size: Int = 300) -> OfflineEnvelope {
    OfflineEnvelope(recipient: recipient, id: testID(n), payload: Array(repeating: UInt8(truncatingIfNeeded: n), count: size))
}

let relayIdentity: [UInt8] = Array("relay-peer-id".utf8)

/// A fixed challenge nonce source.
let fixedRandom: @Sendable (Int) -> [UInt8] = { Array(repeating: 0x42, count: $0) }

/// Runs `server` on one end of a fresh pipe and `body` on the other, then closes both.
func exchange<T: Sendable>(
    _ server: OfflineServer, chunkSize: Int? = nil,
    _ body: @Sendable (MessagePipeEnd) async throws -> T
) async throws -> T {
    let (clientEnd, serverEnd) = MessagePipe.make(chunkSize: chunkSize)
    let served = Task {
        // The server throws only what the pipe throws (the client closed mid-message).
        try? await server.serve(read: { try await serverEnd.read() }, write: { try await serverEnd.write($0) })
        await serverEnd.close()
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body(clientEnd))
    } catch {
        result = .failure(error)
    }
    await clientEnd.close()
    _ = await served.result
    return try result.get()
}

extension OfflineClient {
    /// Deposits over a pipe end.
    func deposit(_ envelopes: [OfflineEnvelope], on end: MessagePipeEnd) async throws -> [DepositOutcome] {
        try await deposit(envelopes, read: { try await end.read() }, write: { try await end.write($0) })
    }

    /// Fetches over a pipe end, collecting batches.
    func fetch(
        _ recipient: TestRecipient, on end: MessagePipeEnd, serverIdentity: [UInt8] = relayIdentity,
        onBatch: ([FetchedEnvelope]) async throws -> Void
    ) async throws -> Int {
        try await fetch(
            recipientKey: recipient.key, sign: { try recipient.sign($0) }, serverIdentity: serverIdentity,
            read: { try await end.read() }, write: { try await end.write($0) }, onBatch: onBatch)
    }
}

/// Collects batches from a fetch callback (Sendable for the test's closures).
final class BatchLog: Sendable {
    private let batches = Mutex<[[FetchedEnvelope]]>([])

    func append(_ batch: [FetchedEnvelope]) {
        batches.withLock { $0.append(batch) }
    }

    var all: [[FetchedEnvelope]] { batches.withLock { $0 } }
    var ids: [EnvelopeID] { all.flatMap { $0.map(\.id) } }
}

extension OfflineLimits {
    /// The defaults with some changes.
    static func with(_ change: (inout OfflineLimits) -> Void) -> OfflineLimits {
        var limits = OfflineLimits()
        change(&limits)
        return limits
    }
}

/// The bytes of a file.
func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw OfflineStoreError.io("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return bytes
}

/// SplitMix64: reproducible randomness for tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
