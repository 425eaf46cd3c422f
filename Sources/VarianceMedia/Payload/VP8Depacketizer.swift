/// Turns received VP8 RTP packets back into frames for the decoder (RFC 7741), and decides
/// when the receiver must ask for a key frame (with an RTCP PLI, RFC 4585 §6.3.1).
///
/// After a gap (a frame lost, incomplete or dropped), inter frames cannot be decoded until
/// a key frame arrives: they are dropped and `keyframeNeeded` is reported, at most once
/// per `keyframeRequestInterval`, until one does. The first frame of a stream must be a key
/// frame too.
public struct VP8Depacketizer: Sendable {
    /// What happened as a result of one input.
    public enum Event: Sendable, Equatable {
        /// A decodable frame, in decoding order.
        case frame(EncodedVideoFrame)
        /// Send a PLI to the sender.
        case keyframeNeeded
    }

    /// Least time between two key frame requests.
    public let keyframeRequestInterval: Duration
    private var assembler: VideoFrameAssembler
    private var awaitingKeyframe = true
    /// A frame was dropped for want of a key frame, and none has come since.
    private var keyframeRequestPending = false
    private var lastKeyframeRequest: Duration?
    /// Packets whose payload descriptor could not be parsed.
    public private(set) var malformedPacketCount = 0
    /// Frames dropped because they could not be decoded without a missing reference.
    public private(set) var undecodableFrameCount = 0

    /// An empty depacketizer; the stream must start with a key frame.
    public init(
        assembler: VideoFrameAssembler.Configuration = .init(), keyframeRequestInterval: Duration = .milliseconds(300)
    ) {
        self.assembler = VideoFrameAssembler(configuration: assembler)
        self.keyframeRequestInterval = keyframeRequestInterval
    }

    /// Frames dropped by the assembler (incomplete, or over its bounds).
    public var droppedFrameCount: Int { assembler.droppedFrameCount }

    /// Feeds one received RTP packet of the VP8 stream.
    public mutating func insert(_ packet: RTPPacket, now: Duration) -> [Event] {
        guard let (descriptor, data) = try? VP8PayloadDescriptor.parse(packet.payload) else {
            malformedPacketCount += 1
            return []
        }
        let frames = assembler.insert(packet, fragment: Array(data), startsFrame: descriptor.startsFrame, now: now)
        return handle(frames, now: now)
    }

    /// Lets waiting frames go and repeats a key frame request that is still unanswered.
    /// Call on a timer, e.g. every frame interval.
    public mutating func poll(now: Duration) -> [Event] {
        handle(assembler.poll(now: now), now: now)
    }

    /// The decoder failed on a frame: drop inter frames until the next key frame.
    public mutating func decoderFailed(now: Duration) -> [Event] {
        awaitingKeyframe = true
        keyframeRequestPending = true
        return requestKeyframe(now: now)
    }

    private mutating func handle(_ frames: [VideoFrameAssembler.Frame], now: Duration) -> [Event] {
        var events: [Event] = []
        for frame in frames {
            let isKeyframe = EncodedVideoFrame.isVP8Keyframe(frame.data)
            if frame.followsGap { awaitingKeyframe = true }
            if isKeyframe {
                awaitingKeyframe = false
                keyframeRequestPending = false
            }
            if awaitingKeyframe {
                undecodableFrameCount += 1
                keyframeRequestPending = true
                continue
            }
            events.append(.frame(EncodedVideoFrame(data: frame.data, isKeyframe: isKeyframe, timestamp: Int64(frame.timestamp))))
        }
        if keyframeRequestPending {
            events += requestKeyframe(now: now)
        }
        return events
    }

    private mutating func requestKeyframe(now: Duration) -> [Event] {
        if let last = lastKeyframeRequest, now - last < keyframeRequestInterval { return [] }
        lastKeyframeRequest = now
        return [.keyframeNeeded]
    }
}
