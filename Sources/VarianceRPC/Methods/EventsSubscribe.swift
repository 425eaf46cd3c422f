/// `events.subscribe {kinds?}`: narrows which notifications are pushed. Without `kinds`
/// (or with null) every notification is pushed again. Events are persisted regardless.
public enum EventsSubscribe: RPCMethod {
    public static let name = "events.subscribe"

    public struct Params: RPCParams {
        public var kinds: [String]?

        public init(from params: ParamsReader) throws(RPCError) {
            kinds = try params.optionalStringArray("kinds")
            if let kinds {
                for kind in kinds where !RPCRegistry.notificationNames.contains(kind) {
                    throw RPCError.invalidParams(field: "kinds", reason: "names an unknown notification '\(kind)'")
                }
            }
        }
    }

    public typealias Result = EmptyResult
}
