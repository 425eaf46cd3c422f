import VarianceEngine
import VarianceRPC

/// Events in their wire form: the encoder the engine persists with, and the notification
/// a record becomes when pushed.
public enum EventCoding {
    /// The engine's ``EventEncoder``.
    public static let encoder: EventEncoder = { event in
        switch event {
        case .identityChanged(let did, let state):
            (EngineNotification.identityChanged, JSON.object(["did": .string(did), "state": .string(state.rawValue)]).bytes)
        case .nodeStatus(let status):
            (EngineNotification.nodeStatus, NodeWire.result(status).json.bytes)
        case .messageReceived(let message):
            (
                EngineNotification.messageReceived,
                JSON.object(["conversation": .string(message.conversation), "message": MessageWire.object(message).json]).bytes
            )
        case .messageStatus(let id, let conversation, let status):
            (
                EngineNotification.messageStatus,
                JSON.object(["id": .string(id), "conversation": .string(conversation), "status": .string(status)]).bytes
            )
        }
    }

    /// The params of a persisted record, with its `seq` first.
    public static func params(of record: EventRecord) -> JSON {
        var object: JSONObject = ["seq": .int(record.seq)]
        if case .object(let stored)? = try? JSONParser.parse(record.params) {
            for member in stored.members where member.key != "seq" { object.members.append(member) }
        }
        return .object(object)
    }
}
