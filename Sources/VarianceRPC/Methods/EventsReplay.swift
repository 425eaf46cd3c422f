/// `events.replay {after, limit?}`: the persisted events after `seq`, oldest first.
public enum EventsReplay: RPCMethod {
    public static let name = "events.replay"
    /// The most events one call returns.
    public static let maxLimit: Int64 = 1000

    public struct Params: RPCParams {
        public var after: Int64
        public var limit: Int64

        public init(from params: ParamsReader) throws(RPCError) {
            after = try params.int("after")
            guard after >= 0 else { throw RPCError.invalidParams(field: "after", reason: "must be 0 or more") }
            limit = try params.optionalInt("limit") ?? 100
            guard (1...EventsReplay.maxLimit).contains(limit) else {
                throw RPCError.invalidParams(field: "limit", reason: "must be between 1 and \(EventsReplay.maxLimit)")
            }
        }
    }

    public struct Event: Sendable {
        public var seq: Int64
        public var method: String
        public var params: JSON
        public init(seq: Int64, method: String, params: JSON) {
            self.seq = seq
            self.method = method
            self.params = params
        }
    }

    public struct Result: RPCResult {
        public var events: [Event]
        /// The newest seq the engine has persisted (not just the last one returned).
        public var last: Int64

        public init(events: [Event], last: Int64) {
            self.events = events
            self.last = last
        }

        public var json: JSON {
            ["events": .array(events.map { ["seq": .int($0.seq), "method": .string($0.method), "params": $0.params] }),
             "last": .int(last)]
        }
    }
}
