import VarianceRPC

extension FrameDisplay {
    /// The reply to a `:replay`, one event to a line block, oldest first:
    ///
    ///     ← #5 events.replay after 0: 2 events (last seq 2)
    ///       [1] identity.changed {"seq": 1, "did": "did:key:z6Mk…", "state": "ready"}
    ///       [2] node.status {…}
    ///
    /// A reply that is not the expected shape (or an error) is shown as any other reply.
    func replay(after: Int64, id: JSON, outcome: Result<JSON, RPCError>) -> String {
        guard case .success(let result) = outcome, let events = result["events"]?.arrayValue else {
            return text(for: .reply(id: id, outcome: outcome))
        }
        let last = result["last"].map(\.compactString) ?? "?"
        let count = events.count == 1 ? "1 event" : "\(events.count) events"
        var lines = [
            paint("←", .dim) + " " + paint("#" + id.compactString, .bold)
                + " events.replay after \(after): \(count) (last seq \(last))"
        ]
        for event in events {
            let seq = event["seq"].map(\.compactString) ?? "?"
            let method = event["method"]?.stringValue ?? "?"
            let params = ReadableJSON.text(event["params"] ?? .object([:]), indent: 1)
            lines.append("  [\(seq)] " + paint(method, .cyan) + " " + params)
        }
        return lines.joined(separator: "\n")
    }
}
