// The floor under the ping figure: 32 bytes there and back over loopback TCP between two
// threads of this process, with blocking sockets and nothing else (no Noise, no yamux, no
// event loop). What is left is the kernel and waking the other side, which on this VM
// depends on how idle the CPUs are.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum TCPFloor {
    /// `warmup` + `count` round trips; returns the `count` timed ones in ns.
    static func roundTrips(count: Int, warmup: Int, size: Int = 32) throws -> [UInt64] {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchError("socket: \(errnoString())") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw BenchError("bind/listen: \(errnoString())") }
        var acceptTimeout = timeval(tv_sec: 10, tv_usec: 0)  // bounds accept() in the echo thread
        setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &acceptTimeout, socklen_t(MemoryLayout<timeval>.size))
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }

        // The echo side: one thread, blocking reads and writes, until the client closes.
        let echo = EchoThread(listener: listener, size: size)
        try echo.start()
        defer { echo.join() }

        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard client >= 0 else { throw BenchError("socket: \(errnoString())") }
        defer { close(client) }
        var one: Int32 = 1
        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        guard connected == 0 else { throw BenchError("connect: \(errnoString())") }

        var out = [UInt8](repeating: 0x5A, count: size)
        var back = [UInt8](repeating: 0, count: size)
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        for i in 0..<(warmup + count) {
            out[0] = UInt8(truncatingIfNeeded: i)
            let t0 = nowNs()
            guard out.withUnsafeBytes({ writeAll(client, $0) }) else { throw BenchError("write: \(errnoString())") }
            var got = 0
            while got < size {
                let n = back.withUnsafeMutableBytes { read(client, $0.baseAddress! + got, size - got) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw BenchError("the echo thread stopped answering") }
                got += n
            }
            let rtt = nowNs() - t0
            guard back == out else { throw BenchError("the echo differed") }
            if i >= warmup { samples.append(rtt) }
        }
        shutdown(client, Int32(SHUT_WR))
        return samples
    }
}

/// Accepts one connection on `listener` and echoes `size`-byte messages until it closes.
private final class EchoThread: @unchecked Sendable {
    let listener: Int32
    let size: Int
    private var thread = pthread_t()

    init(listener: Int32, size: Int) {
        self.listener = listener
        self.size = size
    }

    func start() throws(BenchError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            let me = Unmanaged<EchoThread>.fromOpaque(context!).takeRetainedValue()
            me.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<EchoThread>.fromOpaque(context).release()
            throw BenchError("pthread_create: \(errnoString(rc))")
        }
    }

    func join() { pthread_join(thread, nil) }

    private func run() {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            var got = 0
            while got < size {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, size - got) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                got += n
            }
            guard buffer.withUnsafeBytes({ writeAll(fd, $0) }) else { return }
        }
    }
}
