import Crypto
import Foundation
import LibP2PCore
import Logging
import Testing
@testable import LibP2P

/// Interoperability with py-libp2p 0.8.1 (issue 3, point 8), both ways, over TCP, Noise and
/// yamux on loopback: Swift dials a Python host, and a Python host dials Swift.
///
/// The Python side is `Tests/Interop/pyhost.py`, run with the virtualenv that
/// `scripts/interop-venv.sh` makes (`.venv-interop`). Without that virtualenv the suite is
/// skipped, not failed; CI makes it, so there it always runs.
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: PyHost.isAvailable,
        "py-libp2p interop skipped: \(PyHost.python.path) is missing; run scripts/interop-venv.sh to make it"))
struct PyLibp2pInteropTests {
    static let echo = "/test/echo/1.0.0"
    static let identify = "/ipfs/id/1.0.0"

    // MARK: Helpers

    private func makeSwarm() -> Swarm {
        var logger = Logger(label: "interop")
        logger.logLevel = .error
        return Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
    }

    /// A swarm with the echo handler, listening on loopback; returns its full address.
    private func echoSwarm() async throws -> (swarm: Swarm, address: Multiaddr) {
        let swarm = makeSwarm()
        await swarm.handle(Self.echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch {
                await stream.reset()
            }
        }
        let bound = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        return (swarm, try bound.appending(.p2p(swarm.localPeer)))
    }

    /// Starts `pyhost.py listen` and returns it with the address it printed.
    private func startPythonListener() async throws -> (python: PyHost, peer: PeerID, address: Multiaddr) {
        let python = try PyHost(arguments: ["listen"])
        let line = try #require(await python.nextJSON(), "pyhost listen printed nothing; stderr:\n\(python.standardErrorTail)")
        #expect(line["event"] as? String == "listening")
        let text = try #require((line["addrs"] as? [String])?.first, "no address in \(line)")
        let address = try Multiaddr(text)
        let peer = try #require(address.peerID, "no /p2p in \(text)")
        #expect(peer.description == line["peer"] as? String)
        return (python, peer, address)
    }

    /// Waits (bounded: 15 s) until `condition` holds.
    private func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<300 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Echoes `payload` over a new stream: writes it all (concurrently with reading), closes
    /// our side, reads to the end. Returns what came back.
    private func echoOnce(_ swarm: Swarm, _ peer: PeerID, _ payload: [UInt8]) async throws -> [UInt8] {
        let stream = try await swarm.newStream(to: peer, protocols: [Self.echo])
        let writer = Task {
            try await stream.write(payload)
            try await stream.closeWrite()
        }
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        while let chunk = try await stream.read() {
            received += chunk
            if received.count > payload.count { break }
        }
        try await writer.value
        return received
    }

    private static func pattern(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            // xorshift64*: any reordering or loss shows in the comparison.
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return String(format: "%.3f ms", ms)
    }

    // MARK: Swift dials Python

    /// Swift dials `pyhost.py listen`: identify both ways, 100 pings, 10 MB echo, 20
    /// concurrent streams, an unknown protocol refused with the connection still usable.
    @Test func swiftDialsPython() async throws {
        let (python, pyPeer, pyAddress) = try await startPythonListener()
        defer { python.stop() }
        let (swarm, _) = try await echoSwarm()
        defer { Task { await swarm.close() } }
        let clock = ContinuousClock()

        // Connection set-up: TCP + multistream + Noise + yamux.
        let setUpStart = clock.now
        let peer = try await swarm.dial(pyAddress)
        let setUp = clock.now - setUpStart
        #expect(peer == pyPeer)

        // We identify Python.
        #expect(await eventually { await swarm.info(of: pyPeer) != nil }, "no identify from py-libp2p")
        let info = try #require(await swarm.info(of: pyPeer))
        #expect(info.agentVersion.hasPrefix("py-libp2p/"), "agent \(info.agentVersion)")
        #expect(info.protocolVersion == "ipfs/0.1.0")
        for needed in [Self.echo, Ping.protocolID, Self.identify] {
            #expect(info.protocols.contains(needed), "\(needed) missing from \(info.protocols)")
        }
        let pyListen = try #require(pyAddress.removingTrailingPeerID)
        #expect(info.listenAddresses.contains(pyListen), "\(info.listenAddresses)")
        #expect(info.observedAddress?.ipAddress == [127, 0, 0, 1], "observed \(String(describing: info.observedAddress))")

        // Python identifies us (it opens its own /ipfs/id/1.0.0 stream).
        python.send("identify \(swarm.localPeer)")
        let theirs = try #require(await python.nextJSON(), "no answer to identify; stderr:\n\(python.standardErrorTail)")
        #expect(theirs["ok"] as? Bool == true, "\(theirs)")
        #expect(theirs["agent"] as? String == swarm.configuration.agentVersion)
        let theirProtocols = theirs["protocols"] as? [String] ?? []
        for needed in [Self.echo, Ping.protocolID, Self.identify] {
            #expect(theirProtocols.contains(needed), "py-libp2p did not learn \(needed): \(theirs)")
        }
        #expect(theirs["public_key_matches_peer"] as? Bool == true)
        #expect((theirs["listen_addrs"] as? [String] ?? []).count == 1, "\(theirs)")

        // 100 pings.
        let rtts = try await swarm.ping(pyPeer, count: 100).sorted()
        #expect(rtts.count == 100)

        // 10 MB, byte-exact, over one stream.
        let big = Self.pattern(count: 10 * 1024 * 1024, seed: 1)
        let echoStart = clock.now
        let echoed = try await echoOnce(swarm, pyPeer, big)
        let echoTime = clock.now - echoStart
        #expect(echoed.count == big.count)
        #expect(echoed == big, "the 10 MB echo differs")

        // 20 concurrent streams.
        let concurrentStart = clock.now
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let message = Array("stream \(i) ".utf8) + Self.pattern(count: 100_000, seed: UInt64(i) + 10)
                    return try await echoOnce(swarm, pyPeer, message) == message
                }
            }
            var good = 0
            for try await ok in group where ok { good += 1 }
            #expect(good == 20)
        }
        let concurrentTime = clock.now - concurrentStart

        // A protocol Python lacks: refused with "na", and the connection goes on.
        let refusal = await #expect(throws: LibP2PError.self) {
            _ = try await swarm.newStream(to: pyPeer, protocols: ["/variance/interop/absent/1.0.0"])
        }
        if let refusal, case .protocolNotSupported = refusal {} else {
            Issue.record("expected protocolNotSupported, got \(String(describing: refusal))")
        }
        #expect(try await swarm.ping(pyPeer).count == 1)
        #expect(await swarm.isConnected(to: pyPeer))
        #expect(try await echoOnce(swarm, pyPeer, Array("after na".utf8)) == Array("after na".utf8))

        print(
            "interop swift→python: set-up \(Self.milliseconds(setUp)); ping p50 \(Self.milliseconds(rtts[50])) "
                + "min \(Self.milliseconds(rtts[0])) max \(Self.milliseconds(rtts[99])); "
                + "10 MB echo \(Self.milliseconds(echoTime)); 20 streams \(Self.milliseconds(concurrentTime))")
    }

    /// Python is killed (SIGKILL) in the middle of a stream: the stream fails, the
    /// connection goes, and the swarm goes on dialling and serving others.
    @Test func pythonKilledMidStreamLeavesSwiftHealthy() async throws {
        let (python, pyPeer, pyAddress) = try await startPythonListener()
        defer { python.stop() }
        let (swarm, _) = try await echoSwarm()
        defer { Task { await swarm.close() } }
        try await swarm.dial(pyAddress)

        let stream = try await swarm.newStream(to: pyPeer, protocols: [Self.echo])
        let payload = Self.pattern(count: 4 * 1024 * 1024, seed: 2)
        let writer = Task { try await stream.write(payload) }
        // Mid-stream: some of the echo is back, more is in flight.
        let first = try #require(try await stream.read(), "no echo before the kill")
        #expect(!first.isEmpty)
        python.vanish()

        // The stream ends in an error (reset / closed), never hangs, never ends cleanly
        // with everything echoed.
        var received = first.count
        do {
            while let chunk = try await stream.read() { received += chunk.count }
            #expect(received < payload.count, "the echo completed although Python was killed")
        } catch {
            #expect(error is LibP2PError, "\(error)")
        }
        _ = await writer.result
        #expect(await eventually { await swarm.isConnected(to: pyPeer) == false }, "still connected to a killed peer")
        #expect(await swarm.peers.allSatisfy { $0.peer != pyPeer })
        await #expect(throws: (any Error).self) { _ = try await swarm.newStream(to: pyPeer, protocols: [Self.echo]) }

        // Still healthy: a fresh Swift peer and a fresh Python peer both work.
        let (other, otherAddress) = try await echoSwarm()
        defer { Task { await other.close() } }
        #expect(try await swarm.dial(otherAddress) == other.localPeer)
        #expect(try await swarm.ping(other.localPeer).count == 1)
        #expect(try await echoOnce(swarm, other.localPeer, Array("swift".utf8)) == Array("swift".utf8))

        let (second, secondPeer, secondAddress) = try await startPythonListener()
        defer { second.stop() }
        #expect(try await swarm.dial(secondAddress) == secondPeer)
        #expect(try await swarm.ping(secondPeer, count: 10).count == 10)
        #expect(try await echoOnce(swarm, secondPeer, Array("python".utf8)) == Array("python".utf8))
        #expect(await python.waitForExit() != nil)
    }

    // MARK: Python dials Swift

    /// `pyhost.py dial` runs its checks against a Swift swarm: identify, 100 pings, 10 MB
    /// echo, 20 concurrent streams, an unknown protocol refused, the connection usable after,
    /// an identify push taken (and its stream closed).
    @Test func pythonDialsSwift() async throws {
        let (swarm, address) = try await echoSwarm()
        defer { Task { await swarm.close() } }
        let python = try PyHost(arguments: ["dial", address.description, "--hold"])
        defer { python.stop() }

        let result = try #require(
            await python.nextJSON(timeout: .seconds(120)), "pyhost dial printed no result; stderr:\n\(python.standardErrorTail)")
        #expect(result["event"] as? String == "result")
        let checks = result["checks"] as? [String: [String: Any]] ?? [:]
        let expected = [
            "connect", "identify", "auto_identify", "ping", "echo_10mb", "concurrent_20", "unsupported_refused",
            "still_connected", "identify_push",
        ]
        for name in expected {
            let check = checks[name]
            #expect(check?["ok"] as? Bool == true, "py-libp2p check \(name) failed: \(String(describing: check))\nstderr:\n\(python.standardErrorTail)")
        }
        #expect(result["ok"] as? Bool == true)

        // What Python learned about us.
        let identify = checks["identify"] ?? [:]
        #expect(identify["agent"] as? String == swarm.configuration.agentVersion)
        let ourListen = try #require(address.removingTrailingPeerID)
        #expect(identify["listen_addrs"] as? [String] == [ourListen.description], "\(identify)")

        // What we learned about Python (it is still connected: --hold).
        let pyPeer = try PeerID(string: try #require(result["peer"] as? String))
        #expect(await eventually { await swarm.info(of: pyPeer) != nil }, "we never identified the Python dialer")
        let info = try #require(await swarm.info(of: pyPeer))
        #expect(info.agentVersion.hasPrefix("py-libp2p/"), "agent \(info.agentVersion)")
        #expect(info.protocols.contains(Self.echo) && info.protocols.contains(Ping.protocolID), "\(info.protocols)")
        // Its identify push (sent after it registered /test/pushed/1.0.0) replaced that.
        #expect(
            await eventually { await swarm.info(of: pyPeer)?.protocols.contains("/test/pushed/1.0.0") == true },
            "the identify push did not reach info(of:)")
        #expect(info.listenAddresses.count == 1, "\(info.listenAddresses)")
        #expect(await swarm.peers.first { $0.peer == pyPeer }?.agentVersion == info.agentVersion)

        python.closeInput()
        #expect(await python.waitForExit() == 0, "pyhost dial exit status; stderr:\n\(python.standardErrorTail)")
        #expect(await eventually { await swarm.isConnected(to: pyPeer) == false })

        func figure(_ check: String, _ key: String) -> String { "\(checks[check]?[key] ?? "?")" }
        print(
            "interop python→swift: set-up \(figure("connect", "ms")) ms; ping p50 \(figure("ping", "rtt_ms_p50")) ms "
                + "min \(figure("ping", "rtt_ms_min")) max \(figure("ping", "rtt_ms_max")); "
                + "10 MB echo \(figure("echo_10mb", "echo_ms")) ms; 20 streams \(figure("concurrent_20", "ms")) ms")
    }
}

/// `Tests/Interop/pyhost.py` as a child process: JSON lines on its stdout, commands on its
/// stdin. Pipes are read on their own threads, never on the cooperative pool; waiting for a
/// line polls with a bound.
final class PyHost: @unchecked Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `$VARIANCE_INTEROP_PYTHON`, else the virtualenv `scripts/interop-venv.sh` makes.
    static let python = ProcessInfo.processInfo.environment["VARIANCE_INTEROP_PYTHON"].map { URL(fileURLWithPath: $0) }
        ?? repositoryRoot.appendingPathComponent(".venv-interop/bin/python")
    static let script = repositoryRoot.appendingPathComponent("Tests/Interop/pyhost.py")

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial = Data()
    private var outputClosed = false
    private var stderrText = Data()
    private var inputClosed = false

    /// - Parameter script: The driver (default `pyhost.py`), in `Tests/Interop`.
    init(arguments: [String], script: String = "pyhost.py") throws {
        process.executableURL = Self.python
        process.arguments = [Self.repositoryRoot.appendingPathComponent("Tests/Interop/\(script)").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        let out = stdoutPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = out.availableData
                guard let self else { return }
                self.lock.lock()
                if data.isEmpty {
                    self.outputClosed = true
                    self.lock.unlock()
                    return
                }
                self.partial += data
                while let newline = self.partial.firstIndex(of: 0x0A) {
                    self.lines.append(String(decoding: self.partial[..<newline], as: UTF8.self))
                    self.partial = Data(self.partial[(newline + 1)...])
                }
                self.lock.unlock()
            }
        }.start()
        let err = stderrPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = err.availableData
                guard !data.isEmpty, let self else { return }
                self.lock.lock()
                self.stderrText += data
                if self.stderrText.count > 1 << 20 { self.stderrText = self.stderrText.suffix(1 << 19) }
                self.lock.unlock()
            }
        }.start()
    }

    /// The next stdout line parsed as a JSON object; nil on timeout or end of output.
    func nextJSON(timeout: Duration = .seconds(60)) async -> [String: Any]? {
        guard let line = await nextLine(timeout: timeout) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["unparsed": line]
    }

    /// The next stdout line; nil on timeout or end of output. Polls every 10 ms.
    func nextLine(timeout: Duration = .seconds(60)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            switch takeLine() {
            case .line(let line): return line
            case .closed: return nil
            case .none: try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return nil
    }

    private enum Take { case line(String), closed, none }

    private func takeLine() -> Take {
        lock.withLock {
            if !lines.isEmpty { return .line(lines.removeFirst()) }
            return outputClosed ? .closed : .none
        }
    }

    /// Sends one command line.
    func send(_ line: String) {
        try? stdinPipe.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes Python's stdin (both modes exit on it).
    func closeInput() {
        lock.lock()
        defer { lock.unlock() }
        guard !inputClosed else { return }
        inputClosed = true
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// SIGKILL: the peer vanishes without a goodbye.
    func vanish() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits (bounded, polling every 10 ms) for the exit; its status, or nil on timeout.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// Closes stdin (a clean exit) and, if Python is still there, terminates it.
    func stop() {
        closeInput()
        if process.isRunning { process.terminate() }
    }

    /// The end of what Python wrote on stderr, for failure messages.
    var standardErrorTail: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrText.suffix(4000), as: UTF8.self)
    }

    deinit {
        if process.isRunning { process.terminate() }
        // VARIANCE_INTEROP_VERBOSE=1 shows what py-libp2p logged (PYHOST_LOG sets its level).
        if ProcessInfo.processInfo.environment["VARIANCE_INTEROP_VERBOSE"] != nil {
            print("pyhost \(process.arguments?.dropFirst().first ?? "") stderr:\n\(String(decoding: stderrText, as: UTF8.self))")
        }
    }
}
