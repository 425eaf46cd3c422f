/// The relay's end of `/variance/offline/1.0.0`: runs ``OfflineServerSession`` against an
/// ``OfflineStore`` over any transport.
///
/// The transport is two closures: `read` returns one message body (the shell removed the
/// uvarint length prefix and enforced ``OfflineLimits/maxMessageBytes``) or nil at the end
/// of input; `write` sends one body (the shell adds the prefix). Timeouts belong to the
/// shell: a `read` that waits too long should throw.
public struct OfflineServer: Sendable {
    /// The store the mailboxes live in.
    public let store: OfflineStore
    /// The wire bounds (quotas and age are the store's).
    public let limits: OfflineLimits
    /// This relay's identity bytes (its binary peer ID), signed into fetch proofs.
    public let serverIdentity: [UInt8]
    private let random: @Sendable (Int) -> [UInt8]
    private let now: @Sendable () -> Int64

    /// A relay.
    ///
    /// - Parameters:
    ///   - store: The mailboxes.
    ///   - limits: The wire bounds; must be ``OfflineLimits/isConsistent``.
    ///   - serverIdentity: The relay's identity bytes (at most 256).
    ///   - random: `count` random bytes (the system's generator by default; fixed in tests).
    ///   - now: Unix seconds (the system clock by default; injected in tests).
    public init(
        store: OfflineStore, limits: OfflineLimits = .default, serverIdentity: [UInt8],
        random: @escaping @Sendable (Int) -> [UInt8] = SystemRandom.bytes,
        now: @escaping @Sendable () -> Int64 = WallClock.nowSeconds
    ) {
        precondition(limits.isConsistent, "OfflineLimits are inconsistent")
        precondition(serverIdentity.count <= OfflineProtocol.maxServerIdentityBytes, "server identity too long")
        self.store = store
        self.limits = limits
        self.serverIdentity = serverIdentity
        self.random = random
        self.now = now
    }

    /// Serves one stream until it is done: answers deposits, or runs one fetch.
    ///
    /// Bad input is answered with a status (`MALFORMED`, `TOO_LARGE`, …), never a trap.
    /// Store failures are answered `UNAVAILABLE`. Returns when the exchange is over or the
    /// client ended its input; the caller then closes the stream.
    ///
    /// - Throws: Only what `read` and `write` throw.
    public func serve(
        read: () async throws -> [UInt8]?,
        write: ([UInt8]) async throws -> Void
    ) async throws {
        var session = OfflineServerSession(limits: limits, serverIdentity: serverIdentity, nonce: random(OfflineProtocol.nonceBytes))
        var action = OfflineServerAction.read
        while true {
            switch action {
            case .read:
                guard let body = try await read() else {
                    _ = session.endOfInput()
                    return
                }
                action = session.receive(body)
            case .write(let body):
                try await write(body)
                action = .read
            case .writeAndClose(let body):
                try await write(body)
                return
            case .close:
                return
            case .store(let envelope):
                do {
                    action = session.stored(try store.deposit(envelope, now: now()))
                } catch {
                    action = session.storeFailed()
                }
            case .acknowledgeAndLoad(let acknowledged, let page):
                do {
                    try store.acknowledge(recipient: page.recipient, ids: acknowledged)
                    let envelopes = try store.pending(
                        recipient: page.recipient, after: page.after, limit: page.limit, maxBytes: page.maxBytes, now: now())
                    action = session.loaded(envelopes)
                } catch {
                    action = session.storeFailed()
                }
            }
        }
    }
}
