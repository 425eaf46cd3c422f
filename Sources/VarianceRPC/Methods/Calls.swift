/// Call ids: 32 lowercase hexadecimal digits.
public enum CallID {
    public static func check(_ text: String) throws(RPCError) -> String {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw RPCError.invalidParams(field: "callId", reason: "must be a call id (32 lowercase hex digits)")
        }
        return text
    }
}

/// `source: {audio?, video?}` and `sink: {audio?, video?}` of `calls.start` and `calls.accept`.
public struct CallMediaParams: Sendable, Equatable {
    public var audioSource: String?
    public var videoSource: String?
    public var audioSink: String?
    public var videoSink: String?

    init(from params: ParamsReader) throws(RPCError) {
        (audioSource, videoSource) = try Self.pair(params, "source")
        (audioSink, videoSink) = try Self.pair(params, "sink")
    }

    private static func pair(_ params: ParamsReader, _ key: String) throws(RPCError) -> (String?, String?) {
        switch params.object[key] {
        case nil, .null?: return (nil, nil)
        case .object(let object)?:
            let inner = try ParamsReader(.object(object))
            for member in object.members where member.key != "audio" && member.key != "video" {
                throw RPCError.invalidParams(field: "\(key).\(member.key)", reason: "is not a known medium (audio, video)")
            }
            let audio = try inner.optionalString("audio")
            let video = try inner.optionalString("video")
            for (name, value) in [("audio", audio), ("video", video)] {
                if let value, value.isEmpty || value.utf8.count > 4096 {
                    throw RPCError.invalidParams(field: "\(key).\(name)", reason: "must be 1 to 4096 bytes")
                }
            }
            return (audio, video)
        case let other?:
            throw RPCError.invalidParams(field: key, reason: "must be an object {audio?, video?}, not \(other.typeName)")
        }
    }
}

/// `calls.start {peer, audio?, video?, source?, sink?}`: calls a contact.
public enum CallsStart: RPCMethod {
    public static let name = "calls.start"

    public struct Params: RPCParams {
        public var peer: String
        public var audio: Bool
        public var video: Bool
        public var media: CallMediaParams

        public init(from params: ParamsReader) throws(RPCError) {
            peer = try Person.check(try params.string("peer"), field: "peer")
            audio = try params.optionalBool("audio") ?? true
            video = try params.optionalBool("video") ?? false
            guard audio else { throw RPCError.invalidParams(field: "audio", reason: "calls always carry audio here") }
            media = try CallMediaParams(from: params)
        }
    }

    public struct Result: RPCResult {
        public var callId: String
        public init(callId: String) { self.callId = callId }
        public var json: JSON { ["callId": .string(callId)] }
    }
}

/// `calls.accept {callId, source?, sink?}`: answers the ringing incoming call.
public enum CallsAccept: RPCMethod {
    public static let name = "calls.accept"

    public struct Params: RPCParams {
        public var callId: String
        public var media: CallMediaParams

        public init(from params: ParamsReader) throws(RPCError) {
            callId = try CallID.check(try params.string("callId"))
            media = try CallMediaParams(from: params)
        }
    }

    public typealias Result = EmptyResult
}

/// `{callId}` of `calls.reject`, `calls.hangup` and `calls.stats`.
public struct CallIDParams: RPCParams {
    public var callId: String

    public init(from params: ParamsReader) throws(RPCError) {
        callId = try CallID.check(try params.string("callId"))
    }
}

/// `calls.reject {callId}`: declines the ringing incoming call.
public enum CallsReject: RPCMethod {
    public static let name = "calls.reject"
    public typealias Params = CallIDParams
    public typealias Result = EmptyResult
}

/// `calls.hangup {callId}`: ends (or cancels) a call.
public enum CallsHangup: RPCMethod {
    public static let name = "calls.hangup"
    public typealias Params = CallIDParams
    public typealias Result = EmptyResult
}

/// `calls.stats {callId}`: the call's state and media statistics.
public enum CallsStats: RPCMethod {
    public static let name = "calls.stats"
    public typealias Params = CallIDParams

    public struct Result: RPCResult {
        public var state: String
        public var rttMs: Double?
        public var jitterMs: Double
        public var packetsLost: Int64
        public var bitrateKbps: Double
        public var codecs: [String]
        public var audioFrames: Int64
        public var videoFrames: Int64
        /// `{startedAtNs, firstAudioSentAtNs?, firstSoundAtNs?, firstAudioSentMs?, firstAudioPlayedMs?}`.
        public var timing: JSON?

        public init(
            state: String, rttMs: Double?, jitterMs: Double, packetsLost: Int64, bitrateKbps: Double, codecs: [String],
            audioFrames: Int64, videoFrames: Int64, timing: JSON? = nil
        ) {
            self.timing = timing
            self.state = state
            self.rttMs = rttMs
            self.jitterMs = jitterMs
            self.packetsLost = packetsLost
            self.bitrateKbps = bitrateKbps
            self.codecs = codecs
            self.audioFrames = audioFrames
            self.videoFrames = videoFrames
        }

        public var json: JSON {
            var object: JSONObject = ["state": .string(state)]
            if let rttMs { object["rttMs"] = .double((rttMs * 100).rounded() / 100) }
            object["jitterMs"] = .double((jitterMs * 100).rounded() / 100)
            object["packetsLost"] = .int(packetsLost)
            object["bitrateKbps"] = .double((bitrateKbps * 10).rounded() / 10)
            object["codecs"] = .array(codecs.map { .string($0) })
            object["audioFrames"] = .int(audioFrames)
            object["videoFrames"] = .int(videoFrames)
            if let timing { object["timing"] = timing }
            return .object(object)
        }
    }
}

/// A call as `calls.list` shows it.
public struct CallObject: Sendable {
    public var callId: String
    public var peer: String
    public var direction: String
    public var state: String
    public var reason: String?
    public var audio: Bool
    public var video: Bool

    public init(callId: String, peer: String, direction: String, state: String, reason: String?, audio: Bool, video: Bool) {
        self.callId = callId
        self.peer = peer
        self.direction = direction
        self.state = state
        self.reason = reason
        self.audio = audio
        self.video = video
    }

    public var json: JSON {
        var object: JSONObject = [
            "callId": .string(callId), "peer": .string(peer), "direction": .string(direction), "state": .string(state),
        ]
        if let reason { object["reason"] = .string(reason) }
        object["audio"] = .bool(audio)
        object["video"] = .bool(video)
        return .object(object)
    }
}

/// `calls.list`: the live call and the most recent ended ones.
public enum CallsList: RPCMethod {
    public static let name = "calls.list"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var calls: [CallObject]
        public init(calls: [CallObject]) { self.calls = calls }
        public var json: JSON { ["calls": .array(calls.map(\.json))] }
    }
}
