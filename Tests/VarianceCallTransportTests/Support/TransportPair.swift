import VarianceCallTransport

/// Two transports wired to each other in-process, as an offerer and an answerer would be after
/// exchanging descriptions.
struct TransportPair {
    let offerer: MediaTransport
    let answerer: MediaTransport
    let offererStates: Watcher<MediaTransport.State>
    let answererStates: Watcher<MediaTransport.State>
    let offererPackets: Watcher<MediaTransport.Packet>
    let answererPackets: Watcher<MediaTransport.Packet>

    /// Builds both sides, gathers, and starts them. `tamper` may alter what the answerer hears.
    static func start(
        offerer offererICE: IceConfiguration, answerer answererICE: IceConfiguration,
        tamper: (TransportParameters) -> TransportParameters = { $0 }
    ) async throws -> TransportPair {
        let offerer = try MediaTransport(ice: offererICE)
        let answerer = try MediaTransport(ice: answererICE)
        let pair = TransportPair(
            offerer: offerer, answerer: answerer,
            offererStates: Watcher(offerer.states), answererStates: Watcher(answerer.states),
            offererPackets: Watcher(offerer.packets), answererPackets: Watcher(answerer.packets))
        let offer = try await offerer.localParameters(setup: .actpass)
        let answer = try await answerer.localParameters(setup: .active)
        try await answerer.start(remote: tamper(offer), localSetup: .active)
        try await offerer.start(remote: answer, localSetup: .actpass)
        return pair
    }

    func close() async {
        await offerer.close()
        await answerer.close()
    }
}

extension IceConfiguration {
    /// Host candidates on 127.0.0.1 only.
    static func loopback(controlling: Bool) -> IceConfiguration {
        IceConfiguration(controlling: controlling, hostAddresses: ["127.0.0.1"])
    }
}

/// A minimal RTP packet: version 2, the given payload type, sequence, timestamp and SSRC.
func rtpPacket(payloadType: UInt8, sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]) -> [UInt8] {
    var packet: [UInt8] = [0x80, payloadType & 0x7F]
    packet += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    packet += withUnsafeBytes(of: timestamp.bigEndian, Array.init)
    packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
    return packet + payload
}

/// An RTCP receiver report with no report blocks (RFC 3550 §6.4.2).
func rtcpReceiverReport(ssrc: UInt32) -> [UInt8] {
    [0x80, 201, 0x00, 0x01] + withUnsafeBytes(of: ssrc.bigEndian, Array.init)
}
