#if canImport(Glibc)
import Glibc
#endif
import VarianceCodecs
import VarianceMedia
import VarianceMediaIPC

/// One call's media, between the sources and sinks and the packet transport: Opus audio in
/// 20 ms frames and VP8 video at the source's rate out; RTP in through a jitter buffer (audio,
/// with in-band FEC and loss concealment) or a frame assembler (video, with PLI on loss) to
/// the sinks; RTCP sender and receiver reports every second, a loss-based bitrate for both
/// encoders, and keyframes when the peer asks.
///
/// One task drives it on a 20 ms clock. The transport is a closure: SRTP protection and the
/// network are the caller's.
public actor CallMedia {
    public typealias Send = @Sendable (_ packet: [UInt8], _ isRTCP: Bool) async -> Void

    static let audioPayloadType: UInt8 = 111
    static let videoPayloadType: UInt8 = 96
    static let frameInterval = Duration.milliseconds(20)

    private let send: Send
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    /// `start` on the system's monotonic clock (time since boot).
    private let startUptime: Duration
    // Sending.
    private let audioSource: (any AudioSource)?
    private let videoSource: (any VideoSource)?
    private let opusEncoder: OpusEncoder?
    private let vp8Encoder: VP8Encoder?
    private var opusPacketizer: OpusPacketizer
    private var vp8Packetizer: VP8Packetizer
    private var audioSent: TransmissionStatistics
    private var videoSent: TransmissionStatistics
    private var audioBitrate = LossBasedBitrateController(initial: 32_000, minimum: 8_000, maximum: 64_000)
    private var videoBitrate = LossBasedBitrateController(initial: 800_000, minimum: 100_000, maximum: 2_000_000)
    private var nextVideoFrame = Duration.zero
    private let videoInterval: Duration
    private var videoFrameIndex: UInt32 = 0
    private let videoTicksPerFrame: UInt32
    // Receiving.
    private let audioSink: any AudioSink
    private let videoSink: any VideoSink
    private let opusDecoder: OpusDecoder
    private let vp8Decoder: VP8Decoder
    private var jitter = AudioJitterBuffer(configuration: .init(playoutDelay: .milliseconds(60)))
    private var depacketizer = VP8Depacketizer()
    private var audioReceived: ReceptionStatistics?
    private var videoReceived: ReceptionStatistics?
    private var playoutStarted = false
    private var lastMedia: Duration?
    // Statistics.
    private var receiveMeter = BitrateMeter()
    private var sendMeter = BitrateMeter()
    private var roundTrip: Duration?
    private var nextReport = Duration.seconds(1)
    private(set) var audioFramesPlayed = 0
    private(set) var videoFramesDecoded = 0
    private var firstAudioSent: Duration?
    private var firstAudioPlayed: Duration?
    private var firstSound: Duration?
    private var loop: Task<Void, Never>?
    private var closed = false
    private let ssrcAudio: UInt32
    private let ssrcVideo: UInt32
    private let video: Bool

    /// - Parameters:
    ///   - audioSource: What we say (nil: we send no audio).
    ///   - videoSource: What we show (nil: no video).
    ///   - audioSink, videoSink: Where the peer's audio and video go.
    public init(
        audioSource: (any AudioSource)?, videoSource: (any VideoSource)?, audioSink: any AudioSink, videoSink: any VideoSink,
        videoWidth: Int = 640, videoHeight: Int = 480, framesPerSecond: Int = 30, send: @escaping Send
    ) throws {
        var rng = SystemRandomNumberGenerator()
        self.send = send
        start = clock.now
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        startUptime = .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
        self.audioSource = audioSource
        self.videoSource = videoSource
        self.audioSink = audioSink
        self.videoSink = videoSink
        video = videoSource != nil
        ssrcAudio = UInt32.random(in: 1...UInt32.max, using: &rng)
        ssrcVideo = UInt32.random(in: 1...UInt32.max, using: &rng)
        opusEncoder = audioSource == nil ? nil : try OpusEncoder(channels: 1)
        vp8Encoder = videoSource == nil ? nil : try VP8Encoder(configuration: .init(width: videoWidth, height: videoHeight))
        opusDecoder = try OpusDecoder(channels: 1)
        vp8Decoder = try VP8Decoder()
        opusPacketizer = OpusPacketizer(
            payloadType: Self.audioPayloadType, ssrc: ssrcAudio, initialSequenceNumber: UInt16.random(in: 0...UInt16.max, using: &rng),
            initialTimestamp: UInt32.random(in: 0...UInt32.max, using: &rng))
        vp8Packetizer = VP8Packetizer(ssrc: ssrcVideo, initialSequenceNumber: UInt16.random(in: 0...UInt16.max, using: &rng))
        audioSent = TransmissionStatistics(ssrc: ssrcAudio)
        videoSent = TransmissionStatistics(ssrc: ssrcVideo)
        videoInterval = .milliseconds(1000 / max(framesPerSecond, 1))
        videoTicksPerFrame = UInt32(90_000 / max(framesPerSecond, 1))
    }

    private var now: Duration { clock.now - start }

    /// Starts the 20 ms clock.
    public func run() {
        guard loop == nil, !closed else { return }
        loop = Task { [weak self] in
            var deadline = ContinuousClock.now
            while !Task.isCancelled {
                guard let self else { return }
                await self.tick()
                deadline = deadline.advanced(by: Self.frameInterval)
                let late = ContinuousClock.now - deadline
                // Far behind (the machine stalled): start again from now instead of bursting.
                if late > .milliseconds(200) { deadline = ContinuousClock.now }
                try? await Task.sleep(until: deadline, clock: .continuous)
            }
        }
    }

    /// Stops sending and playing, and closes the sinks (a WAV file gets its final header).
    public func stop() {
        guard !closed else { return }
        closed = true
        loop?.cancel()
        loop = nil
        try? audioSink.close()
        try? videoSink.close()
    }

    /// When media last arrived (nil: never), on this object's clock.
    public var lastMediaAt: Duration? { lastMedia }
    public var elapsed: Duration { now }

    private func tick() async {
        guard !closed else { return }
        let time = now
        var outgoing: [(bytes: [UInt8], rtcp: Bool)] = []
        // Audio out: one 20 ms frame.
        if let source = audioSource, let encoder = opusEncoder,
            let frame = try? source.read(frameCount: OpusPacketizer.samplesPerFrame), let encoded = try? encoder.encode(frame.samples)
        {
            let packet = opusPacketizer.packetize(encoded)
            if firstAudioSent == nil { firstAudioSent = time }
            audioSent.record(packet)
            outgoing.append((packet.serialized(), false))
        }
        // Video out, at the source's rate.
        if let source = videoSource, let encoder = vp8Encoder, time >= nextVideoFrame {
            nextVideoFrame += videoInterval
            if let frame = try? source.nextFrame(), let encoded = try? encoder.encode(frame) {
                let timestamp = videoFrameIndex &* videoTicksPerFrame
                videoFrameIndex &+= 1
                for compressed in encoded {
                    for packet in vp8Packetizer.packetize(compressed.data, timestamp: timestamp) {
                        videoSent.record(packet)
                        outgoing.append((packet.serialized(), false))
                    }
                }
            }
        }
        // Audio in: one frame from the jitter buffer, decoded, recovered or concealed.
        if playoutStarted { playAudio(time) }
        // Video in: frames whose packets stopped coming.
        for event in depacketizer.poll(now: time) { await handle(event, time: time) }
        // Reports once a second.
        if time >= nextReport {
            nextReport = time + .seconds(1)
            outgoing.append((report(time), true))
        }
        for item in outgoing {
            sendMeter.record(bytes: item.bytes.count, at: time)
            await send(item.bytes, item.rtcp)
        }
    }

    private func playAudio(_ time: Duration) {
        let pcm: [Int16]
        switch jitter.nextFrame(now: time) {
        case .packet(let packet):
            guard let payload = OpusDepacketizer.opusPacket(from: packet), let decoded = try? opusDecoder.decode(payload) else { return }
            pcm = decoded
        case .missing(_, let following?):
            pcm = (try? opusDecoder.decodeFEC(from: following.payload)) ?? []
        case .missing(_, nil), .underrun:
            pcm = (try? opusDecoder.concealLoss()) ?? []
        case .buffering:
            pcm = []
        }
        guard !pcm.isEmpty else { return }
        if firstAudioPlayed == nil { firstAudioPlayed = now }
        if firstSound == nil, pcm.contains(where: { abs(Int($0)) > 1000 }) { firstSound = now }
        if (try? audioSink.write(AudioFrame(samples: pcm, channels: 1))) != nil { audioFramesPlayed += 1 }
    }

    /// A packet from the peer (already unprotected).
    public func receive(_ bytes: [UInt8], isRTCP: Bool) async {
        guard !closed else { return }
        let time = now
        receiveMeter.record(bytes: bytes.count, at: time)
        if isRTCP {
            guard let compound = try? RTCPCompoundPacket(parsing: bytes) else { return }
            for packet in compound.packets { await handle(packet, time: time) }
            return
        }
        guard let packet = try? RTPPacket(parsing: bytes) else { return }
        lastMedia = time
        switch packet.payloadType {
        case Self.audioPayloadType:
            if audioReceived == nil { audioReceived = ReceptionStatistics(ssrc: packet.ssrc, clockRate: 48_000) }
            guard audioReceived?.ssrc == packet.ssrc else { return }
            _ = audioReceived?.record(packet, arrival: time, size: bytes.count)
            _ = jitter.insert(packet, now: time)
            playoutStarted = true
        case Self.videoPayloadType:
            if videoReceived == nil { videoReceived = ReceptionStatistics(ssrc: packet.ssrc, clockRate: 90_000) }
            guard videoReceived?.ssrc == packet.ssrc else { return }
            _ = videoReceived?.record(packet, arrival: time, size: bytes.count)
            for event in depacketizer.insert(packet, now: time) { await handle(event, time: time) }
        default:
            return
        }
    }

    private func handle(_ event: VP8Depacketizer.Event, time: Duration) async {
        switch event {
        case .frame(let frame):
            do {
                if let picture = try vp8Decoder.decode(frame.data) {
                    try videoSink.write(picture)
                    videoFramesDecoded += 1
                }
            } catch {
                for next in depacketizer.decoderFailed(now: time) { if case .keyframeNeeded = next { await askForKeyframe() } }
            }
        case .keyframeNeeded:
            await askForKeyframe()
        }
    }

    private func askForKeyframe() async {
        guard let ssrc = videoReceived?.ssrc else { return }
        let packet = RTCPCompoundPacket([
            .receiverReport(RTCPReceiverReport(ssrc: ssrcVideo)),
            .pictureLossIndication(RTCPPictureLossIndication(senderSSRC: ssrcVideo, mediaSSRC: ssrc)),
        ])
        await send(packet.serialized(), true)
    }

    private func handle(_ packet: RTCPPacket, time: Duration) async {
        switch packet {
        case .senderReport(let report):
            if report.ssrc == audioReceived?.ssrc { audioReceived?.record(report, arrival: time) }
            if report.ssrc == videoReceived?.ssrc { videoReceived?.record(report, arrival: time) }
            apply(report.reportBlocks, time: time)
        case .receiverReport(let report):
            apply(report.reportBlocks, time: time)
        case .pictureLossIndication(let pli) where pli.mediaSSRC == ssrcVideo:
            vp8Encoder?.requestKeyframe()
        default:
            break
        }
    }

    /// The peer's view of what we send: round-trip time and the encoders' bitrates.
    private func apply(_ blocks: [RTCPReportBlock], time: Duration) {
        for block in blocks {
            if let rtt = RoundTripTime.measure(block, arrival: ntp(time)) { roundTrip = rtt }
            if block.ssrc == ssrcAudio {
                try? opusEncoder?.setBitrate(audioBitrate.update(block))
            } else if block.ssrc == ssrcVideo {
                try? vp8Encoder?.setBitrate(videoBitrate.update(block))
            }
        }
    }

    private func ntp(_ time: Duration) -> NTPTimestamp { NTPTimestamp(sinceEpoch: .seconds(3_900_000_000) + time) }

    /// Sender reports for what we send (receiver reports when we send nothing), with a report
    /// block for each stream we receive.
    private func report(_ time: Duration) -> [UInt8] {
        var blocks: [RTCPReportBlock] = []
        if audioReceived != nil, let block = audioReceived?.makeReportBlock(now: time) { blocks.append(block) }
        if videoReceived != nil, let block = videoReceived?.makeReportBlock(now: time) { blocks.append(block) }
        var packets: [RTCPPacket] = []
        if audioSource != nil {
            let rtpTime = UInt32(truncatingIfNeeded: Int64(time.components.seconds) * 48_000)
            packets.append(.senderReport(audioSent.makeSenderReport(now: ntp(time), rtpTimestamp: rtpTime, reportBlocks: blocks)))
            blocks = []
        }
        if videoSource != nil {
            let rtpTime = UInt32(truncatingIfNeeded: Int64(time.components.seconds) * 90_000)
            packets.append(.senderReport(videoSent.makeSenderReport(now: ntp(time), rtpTimestamp: rtpTime, reportBlocks: blocks)))
            blocks = []
        }
        if packets.isEmpty { packets.append(.receiverReport(RTCPReceiverReport(ssrc: ssrcAudio, reportBlocks: blocks))) }
        packets.append(.sourceDescription(RTCPSourceDescription(ssrc: packets.count > 0 ? ssrcAudio : ssrcVideo, cname: "variance")))
        return RTCPCompoundPacket(packets).serialized()
    }

    /// What `calls.stats` shows.
    public func statistics() -> CallMediaStatistics {
        let time = now
        var jitterMillis = 0.0
        var lost: Int64 = 0
        if let audio = audioReceived {
            var copy = audio
            jitterMillis = Double(copy.makeReportBlock(now: time).jitter) / 48.0
            lost += max(audio.cumulativeLost, 0)
        }
        if let video = videoReceived { lost += max(video.cumulativeLost, 0) }
        var codecs = ["opus/48000/2"]
        if video || videoReceived != nil { codecs.append("VP8/90000") }
        return CallMediaStatistics(
            roundTripMillis: roundTrip.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 },
            jitterMillis: jitterMillis, packetsLost: lost, receiveKbps: receiveMeter.bitsPerSecond(now: time) / 1000,
            sendKbps: sendMeter.bitsPerSecond(now: time) / 1000, audioFramesPlayed: audioFramesPlayed,
            videoFramesDecoded: videoFramesDecoded, codecs: codecs,
            firstAudioSentMillis: firstAudioSent.map(Self.millis), firstAudioPlayedMillis: firstAudioPlayed.map(Self.millis),
            startedAtNanos: Self.nanos(startUptime), firstAudioSentAtNanos: firstAudioSent.map { Self.nanos(startUptime + $0) },
            firstSoundAtNanos: firstSound.map { Self.nanos(startUptime + $0) })
    }

    static func millis(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    static func nanos(_ d: Duration) -> UInt64 {
        UInt64(max(d.components.seconds, 0)) * 1_000_000_000 + UInt64(max(d.components.attoseconds, 0) / 1_000_000_000)
    }
}
