import LibP2PCore
import LibP2PMDNS
import Logging
import NIOCore
import NIOPosix

/// libp2p mDNS on the local network: a UDP socket on 224.0.0.251:5353 (shared with other
/// mDNS users through SO_REUSEADDR/SO_REUSEPORT) that answers `_p2p._udp.local` queries
/// with our listen addresses and asks, on the pure ``MDNSService``'s schedule, who else is
/// there; peers found are handed to `found` (the engine dials them). Runs only on an IPv4
/// listen address that is not loopback: that is the interface it joins the group on and
/// sends from, and loopback addresses would be of no use to anyone else.
public actor MDNSDiscovery {
    public typealias Found = @Sendable (MDNSPeer) async -> Void

    static let group = try! SocketAddress(ipAddress: "224.0.0.251", port: 5353)

    private let swarm: Swarm
    private let logger: Logger
    private let found: Found
    private var service: MDNSService
    private var channel: (any Channel)?
    private var timer: Task<Void, Never>?
    private let start = ContinuousClock.now
    private var rng = SystemRandomNumberGenerator()

    public init(swarm: Swarm, logger: Logger, found: @escaping Found) throws {
        self.swarm = swarm
        self.logger = logger
        self.found = found
        var generator = SystemRandomNumberGenerator()
        service = try MDNSService(using: &generator)
    }

    private var now: MDNSInstant {
        let elapsed = ContinuousClock.now - start
        return MDNSInstant(milliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Starts on the first non-loopback IPv4 listen address; returns whether it did.
    @discardableResult
    public func start() async -> Bool {
        guard channel == nil else { return true }
        let listen = await swarm.listenAddresses
        guard let interfaceIP = listen.compactMap(Self.usableIPv4).first else {
            logger.debug("mDNS not started: no non-loopback IPv4 listen address")
            return false
        }
        do {
            let bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(reusePortOption, value: 1)
                .channelInitializer { channel in
                    channel.pipeline.addHandler(MDNSInbound { [weak self] datagram in
                        Task { await self?.receive(datagram) }
                    })
                }
            let bound = try await bootstrap.bind(host: "0.0.0.0", port: 5353).get()
            guard let multicast = bound as? any MulticastChannel,
                let device = try System.enumerateDevices().first(where: { $0.address?.ipAddress == interfaceIP })
            else {
                try? await bound.close()
                logger.info("mDNS not started: no multicast interface for \(interfaceIP)")
                return false
            }
            try await multicast.joinGroup(Self.group, device: device).get()
            if let options = bound as? any SocketOptionProvider {
                try await options.setIPMulticastIF(Self.inAddr(interfaceIP)).get()
                try await options.setIPMulticastLoop(1).get()
            }
            channel = bound
        } catch {
            logger.info("mDNS not started", metadata: ["error": "\(error)"])
            return false
        }
        timer = Task { [weak self] in await self?.runSchedule() }
        logger.info("mDNS discovery on \(interfaceIP)")
        return true
    }

    public func stop() async {
        timer?.cancel()
        timer = nil
        try? await channel?.close()
        channel = nil
    }

    private func runSchedule() async {
        while !Task.isCancelled {
            if let query = service.pollQuery(now: now, using: &rng) { send(query) }
            for gone in service.expire(now: now) { logger.debug("mDNS peer expired", metadata: ["peer": "\(gone)"]) }
            let wait = max((service.nextDeadline?.milliseconds ?? now.milliseconds + 1000) - now.milliseconds, 50)
            try? await Task.sleep(for: .milliseconds(min(wait, 60_000)))
        }
    }

    private func receive(_ bytes: [UInt8]) async {
        let ourAddresses = await swarm.listenAddresses.filter { Self.usableIPv4($0) != nil }
        if let response = service.respond(to: bytes, ourPeer: swarm.localPeer, ourAddresses: ourAddresses) {
            send(response)
            return
        }
        for peer in service.discovered(from: bytes, ourPeer: swarm.localPeer, now: now) {
            await found(peer)
        }
    }

    private func send(_ bytes: [UInt8]) {
        guard let channel else { return }
        let envelope = AddressedEnvelope(remoteAddress: Self.group, data: ByteBuffer(bytes: bytes))
        channel.writeAndFlush(envelope, promise: nil)
    }

    /// The IPv4 address of `address` if it is one and not loopback or unspecified.
    static func usableIPv4(_ address: Multiaddr) -> String? {
        guard let ip = address.ipAddress, ip.count == 4, ip[0] != 127, ip != [0, 0, 0, 0] else { return nil }
        return ip.map(String.init).joined(separator: ".")
    }

    static func inAddr(_ ip: String) -> in_addr {
        var address = in_addr()
        _ = inet_pton(AF_INET, ip, &address)
        return address
    }
}

/// Hands every datagram's bytes to a callback.
private final class MDNSInbound: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let deliver: @Sendable ([UInt8]) -> Void

    init(_ deliver: @escaping @Sendable ([UInt8]) -> Void) { self.deliver = deliver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        if let bytes = envelope.data.readBytes(length: min(envelope.data.readableBytes, 9000)) { deliver(bytes) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
