import Foundation

/// A coturn `turnserver` on 127.0.0.1 with a throw-away configuration, killed by `stop()`.
final class TurnServerProcess {
    let port: UInt16
    let username = "variance"
    let credential = "call-secret"
    private let process = Process()
    private let directory: URL

    struct Unavailable: Error {}

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver") }

    init() throws {
        port = UInt16.random(in: 30_000...45_000)
        let relayBase = Int.random(in: 46_000...60_000)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("variance-turn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            listening-ip=127.0.0.1
            relay-ip=127.0.0.1
            listening-port=\(port)
            min-port=\(relayBase)
            max-port=\(relayBase + 200)
            lt-cred-mech
            user=\(username):\(credential)
            realm=variance.test
            allow-loopback-peers
            no-cli
            no-tls
            no-dtls
            no-tcp
            no-software-attribute
            userdb=\(directory.path)/turndb
            log-file=\(directory.path)/turn.log
            simple-log
            pidfile=\(directory.path)/turn.pid
            """
        let configURL = directory.appendingPathComponent("turnserver.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/turnserver")
        process.arguments = ["-c", configURL.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard Self.answersBinding(port: port) else {
            stop()
            throw Unavailable()
        }
    }

    /// Kills our turnserver and removes its files.
    func stop() {
        if process.isRunning {
            // coturn lingers after SIGTERM; it holds nothing worth a graceful exit.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends STUN Binding requests until one is answered (up to ~10 s, 100 ms receive timeout each).
    private static func answersBinding(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var request: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]
        request += (0..<12).map { _ in UInt8.random(in: 0...255) }
        var reply = [UInt8](repeating: 0, count: 512)
        for _ in 0..<100 {
            let sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, request, request.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard sent == request.count else { continue }
            if recv(fd, &reply, reply.count, 0) >= 20, reply[0] == 0x01, reply[1] == 0x01 { return true }
        }
        return false
    }
}
