import VarianceRPC

/// How one method runs.
public enum MethodHandler: Sendable {
    /// Answered on the reader thread, without a task: for cheap methods that read a
    /// snapshot (`engine.info`). Must not block.
    case inline(@Sendable (JSON?) throws(RPCError) -> JSON)
    /// Run as a task, concurrently with other requests. Requests that name the same lane
    /// run one after another in the order they arrived (per-conversation ordering).
    case async(
        @Sendable (JSON?) async throws(RPCError) -> JSON,
        lane: (@Sendable (JSON?) -> String?)?)
    /// Taken in on the reader thread, in arrival order (the intake must not block), then
    /// finished as a task without a lane: for requests whose order the engine keeps itself
    /// and that it can take in bulk (`messages.send`).
    case ordered(@Sendable (JSON?) throws(RPCError) -> PendingReply)
}

/// The second half of an ``MethodHandler/ordered(_:)`` request: waits for its result.
public typealias PendingReply = @Sendable () async throws(RPCError) -> JSON

/// The methods a server answers, by wire name.
public struct MethodTable: Sendable {
    public private(set) var handlers: [String: MethodHandler] = [:]

    public init() {}

    /// Registers a cheap method answered on the reader thread.
    public mutating func inline<M: RPCMethod>(
        _ method: M.Type, _ body: @escaping @Sendable (M.Params) throws(RPCError) -> M.Result
    ) {
        handlers[M.name] = .inline { params throws(RPCError) in
            try body(M.decodeParams(params)).json
        }
    }

    /// Registers a method run as a task; `lane` picks the ordering lane from the params.
    public mutating func async<M: RPCMethod>(
        _ method: M.Type, lane: (@Sendable (M.Params) -> String?)? = nil,
        _ body: @escaping @Sendable (M.Params) async throws(RPCError) -> M.Result
    ) {
        var laneOf: (@Sendable (JSON?) -> String?)?
        if let lane {
            laneOf = { @Sendable (params: JSON?) -> String? in
                guard let decoded = try? M.decodeParams(params) else { return nil }
                return lane(decoded)
            }
        }
        handlers[M.name] = .async({ params throws(RPCError) in
            try await body(M.decodeParams(params)).json
        }, lane: laneOf)
    }

    /// Registers a method taken in on the reader thread in arrival order; the returned
    /// closure waits for the result.
    public mutating func ordered<M: RPCMethod>(
        _ method: M.Type,
        _ intake: @escaping @Sendable (M.Params) throws(RPCError) -> @Sendable () async throws(RPCError) -> M.Result
    ) {
        handlers[M.name] = .ordered { params throws(RPCError) in
            let pending = try intake(M.decodeParams(params))
            return { () async throws(RPCError) -> JSON in try await pending().json }
        }
    }

    /// Registers a method in one fixed lane (e.g. all identity methods in order).
    public mutating func async<M: RPCMethod>(
        _ method: M.Type, fixedLane: String,
        _ body: @escaping @Sendable (M.Params) async throws(RPCError) -> M.Result
    ) {
        async(method, lane: { _ in fixedLane }, body)
    }

    public subscript(name: String) -> MethodHandler? { handlers[name] }
}
