import VarianceProtos

/// What a call's media did so far, as `calls.stats` shows it.
public struct CallMediaStatistics: Sendable, Equatable {
    /// Round-trip time from the peer's receiver reports, when one came.
    public var roundTripMillis: Double?
    /// Interarrival jitter of what we receive (RFC 3550 A.8), milliseconds.
    public var jitterMillis: Double
    /// Packets the peer sent that never arrived (audio and video).
    public var packetsLost: Int64
    /// What we receive, kilobits per second over the last second.
    public var receiveKbps: Double
    /// What we send, kilobits per second over the last second.
    public var sendKbps: Double
    /// Audio frames written to the sink, decoded or concealed.
    public var audioFramesPlayed: Int
    /// Video frames decoded and written to the sink.
    public var videoFramesDecoded: Int
    /// The codecs in use.
    public var codecs: [String]
    /// Milliseconds from the media start (the call became active) to the first audio packet
    /// we sent, and to the first audio frame we decoded from the peer (nil: not yet).
    public var firstAudioSentMillis: Double?
    public var firstAudioPlayedMillis: Double?
    /// This machine's monotonic clock (nanoseconds) when the media started, when our tone's
    /// first packet left and when the peer's first non-silent audio reached the sink: two
    /// engines on one machine compare them to measure tone-onset-to-sink latency.
    public var startedAtNanos: UInt64
    public var firstAudioSentAtNanos: UInt64?
    public var firstSoundAtNanos: UInt64?

    public init(
        roundTripMillis: Double?, jitterMillis: Double, packetsLost: Int64, receiveKbps: Double, sendKbps: Double,
        audioFramesPlayed: Int, videoFramesDecoded: Int, codecs: [String], firstAudioSentMillis: Double?,
        firstAudioPlayedMillis: Double?, startedAtNanos: UInt64, firstAudioSentAtNanos: UInt64?, firstSoundAtNanos: UInt64?
    ) {
        self.roundTripMillis = roundTripMillis
        self.jitterMillis = jitterMillis
        self.packetsLost = packetsLost
        self.receiveKbps = receiveKbps
        self.sendKbps = sendKbps
        self.audioFramesPlayed = audioFramesPlayed
        self.videoFramesDecoded = videoFramesDecoded
        self.codecs = codecs
        self.firstAudioSentMillis = firstAudioSentMillis
        self.firstAudioPlayedMillis = firstAudioPlayedMillis
        self.startedAtNanos = startedAtNanos
        self.firstAudioSentAtNanos = firstAudioSentAtNanos
        self.firstSoundAtNanos = firstSoundAtNanos
    }
}

extension CallMediaStatistics {
    /// The statistics as the media process sends them.
    public func reply(requestID: UInt64) -> Variance_MediaStatsReply {
        var reply = Variance_MediaStatsReply()
        reply.requestID = requestID
        reply.started = true
        if let roundTripMillis { reply.roundTripMillis = roundTripMillis }
        reply.jitterMillis = jitterMillis
        reply.packetsLost = packetsLost
        reply.receiveKbps = receiveKbps
        reply.sendKbps = sendKbps
        reply.audioFramesPlayed = Int64(audioFramesPlayed)
        reply.videoFramesDecoded = Int64(videoFramesDecoded)
        reply.codecs = codecs
        if let firstAudioSentMillis { reply.firstAudioSentMillis = firstAudioSentMillis }
        if let firstAudioPlayedMillis { reply.firstAudioPlayedMillis = firstAudioPlayedMillis }
        reply.startedAtNanos = startedAtNanos
        if let firstAudioSentAtNanos { reply.firstAudioSentAtNanos = firstAudioSentAtNanos }
        if let firstSoundAtNanos { reply.firstSoundAtNanos = firstSoundAtNanos }
        return reply
    }

    /// The statistics in a reply (nil: the media has not started). Counts are clamped, a
    /// number that is not finite (NaN, infinity: JSON has no word for them) becomes 0 or
    /// absent, and at most 8 codec names of 64 bytes are kept: the reply comes from another
    /// process.
    public init?(_ reply: Variance_MediaStatsReply) {
        guard reply.started else { return nil }
        func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }
        func finite(_ present: Bool, _ value: Double) -> Double? { present && value.isFinite ? value : nil }
        self.init(
            roundTripMillis: finite(reply.hasRoundTripMillis, reply.roundTripMillis), jitterMillis: finite(reply.jitterMillis),
            packetsLost: reply.packetsLost, receiveKbps: finite(reply.receiveKbps), sendKbps: finite(reply.sendKbps),
            audioFramesPlayed: Int(clamping: reply.audioFramesPlayed), videoFramesDecoded: Int(clamping: reply.videoFramesDecoded),
            codecs: reply.codecs.prefix(8).map { String($0.prefix(64)) },
            firstAudioSentMillis: finite(reply.hasFirstAudioSentMillis, reply.firstAudioSentMillis),
            firstAudioPlayedMillis: finite(reply.hasFirstAudioPlayedMillis, reply.firstAudioPlayedMillis),
            startedAtNanos: reply.startedAtNanos,
            firstAudioSentAtNanos: reply.hasFirstAudioSentAtNanos ? reply.firstAudioSentAtNanos : nil,
            firstSoundAtNanos: reply.hasFirstSoundAtNanos ? reply.firstSoundAtNanos : nil)
    }
}

extension CallMediaStatistics {
    /// Whether every number is finite (what JSON can carry).
    public var isFinite: Bool {
        [roundTripMillis ?? 0, jitterMillis, receiveKbps, sendKbps, firstAudioSentMillis ?? 0, firstAudioPlayedMillis ?? 0]
            .allSatisfy(\.isFinite)
    }
}
