import VarianceEngine
import VarianceMessaging
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
        case .typing(let conversation, let from, let active):
            (
                EngineNotification.typing,
                JSON.object(["conversation": .string(conversation), "from": .string(from), "active": .bool(active)]).bytes
            )
        case .presence(let did, let info):
            (EngineNotification.presence, PresenceWire.result(did: did, info).json.bytes)
        case .contactRequest(let from, let username):
            (
                EngineNotification.contactRequest,
                JSON.object(username.map { ["from": .string(from), "username": .string($0)] } ?? ["from": .string(from)]).bytes
            )
        case .conversationChanged(let conversation, let timer, let by):
            (
                EngineNotification.conversationChanged,
                JSON.object([
                    "conversation": .string(conversation), "timer": .int(Int64(timer ?? ConversationWire.defaultTimer)),
                    "by": .string(by),
                ]).bytes
            )
        case .callIncoming(let callID, let from, let audio, let video):
            (
                EngineNotification.callIncoming,
                JSON.object(["callId": .string(callID), "from": .string(from), "audio": .bool(audio), "video": .bool(video)]).bytes
            )
        case .callState(let callID, let state, let reason):
            (
                EngineNotification.callState,
                JSON.object(
                    reason.map { ["callId": .string(callID), "state": .string(state), "reason": .string($0)] }
                        ?? ["callId": .string(callID), "state": .string(state)]).bytes
            )
        case .groupChanged(let groupID, let change, let members):
            (
                EngineNotification.groupChanged,
                JSON.object([
                    "groupId": .string(groupID), "change": .string(change), "members": .array(members.map { .string($0) }),
                ]).bytes
            )
        }
    }

    /// The params of a record, with its `seq` first (none for an ephemeral one, seq 0).
    public static func params(of record: EventRecord) -> JSON {
        var object: JSONObject = record.seq > 0 ? ["seq": .int(record.seq)] : [:]
        if case .object(let stored)? = try? JSONParser.parse(record.params) {
            for member in stored.members where member.key != "seq" { object.members.append(member) }
        }
        return .object(object)
    }
}
