import VarianceEngine
import VarianceMessaging
import VarianceRPC

/// The adapter from the wire to the engine: every method of ``RPCRegistry`` bound to the
/// engine's typed API, with explicit conversions both ways.
public enum EngineMethods {
    /// Builds the method table. `server` is reached through `control` for the methods
    /// that act on the connection itself (subscribe, shutdown).
    public static func table(engine: Engine, control: ServerControl) -> MethodTable {
        var table = MethodTable()

        table.inline(EngineInfo.self) { _ in
            EngineInfo.Result(
                version: EngineVersion.version, protocolVersion: EngineVersion.protocolVersion,
                dataDir: engine.configuration.dataDirectory, identity: engine.identityState.rawValue)
        }
        table.inline(EngineShutdown.self) { _ in
            control.shutdown()
            return EmptyResult()
        }
        table.inline(RPCDiscover.self) { _ in RPCDiscover.Result(document: OpenRPCDocument.json) }
        table.inline(EventsSubscribe.self) { params in
            control.subscribe(params.kinds)
            return EmptyResult()
        }
        table.async(EventsReplay.self) { params throws(RPCError) in
            let page = try await call { () throws(EngineError) in try await engine.replayEvents(after: params.after, limit: Int(params.limit)) }
            return EventsReplay.Result(
                events: page.events.map { EventsReplay.Event(seq: $0.seq, method: $0.method, params: EventCoding.params(of: $0)) },
                last: page.last)
        }

        // Identity methods share one lane: pipelined create-then-show run in that order.
        table.async(IdentityCreate.self, fixedLane: "identity") { params throws(RPCError) in
            let created = try await call { () throws(EngineError) in
                try await engine.createIdentity(username: params.username, passphrase: params.passphrase)
            }
            return IdentityCreate.Result(did: created.did, peerId: created.peerID, username: created.username, mnemonic: created.mnemonic)
        }
        table.async(IdentityRecover.self, fixedLane: "identity") { params throws(RPCError) in
            let recovered = try await call { () throws(EngineError) in
                try await engine.recoverIdentity(mnemonic: params.mnemonic, passphrase: params.passphrase, username: params.username)
            }
            return IdentityRecover.Result(did: recovered.did, peerId: recovered.peerID)
        }
        table.async(IdentityUnlock.self, fixedLane: "identity") { params throws(RPCError) in
            let unlocked = try await call { () throws(EngineError) in try await engine.unlock(passphrase: params.passphrase) }
            return IdentityUnlock.Result(did: unlocked.did)
        }
        table.async(IdentityShow.self, fixedLane: "identity") { _ throws(RPCError) in
            let shown = try await call { () throws(EngineError) in try await engine.showIdentity() }
            return IdentityShow.Result(
                did: shown.did, peerId: shown.peerID, username: shown.username, fingerprint: shown.fingerprint,
                createdAt: Timestamps.rfc3339(shown.createdAt))
        }

        table.async(MessagesList.self, lane: { $0.conversation }) { params throws(RPCError) in
            let page = try await call { () throws(EngineError) in
                try await engine.listMessages(conversation: params.conversation, before: params.before, limit: Int(params.limit))
            }
            return MessagesList.Result(messages: page.messages.map(MessageWire.object), before: page.before)
        }
        // Taken in on the reader thread, in arrival order; a burst shares one commit.
        table.ordered(MessagesSend.self) { params in
            let ticket = engine.enqueueSend(conversation: params.conversation, text: params.text, replyTo: params.replyTo)
            return { () async throws(RPCError) -> MessagesSend.Result in
                do throws(EngineError) {
                    let sent = try await ticket.value()
                    return MessagesSend.Result(id: sent.id, status: sent.status)
                } catch {
                    throw ErrorMapping.rpcError(error)
                }
            }
        }
        table.async(MessagesMarkRead.self, lane: { $0.conversation }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.markRead(conversation: params.conversation, upTo: params.upTo) }
            return EmptyResult()
        }
        table.async(ContactsAdd.self) { params throws(RPCError) in
            let contact = try await call { () throws(EngineError) in
                if let invite = params.invite {
                    try await engine.addContact(invite: invite, nickname: params.nickname)
                } else if let username = params.username {
                    try await engine.addContact(username: username, nickname: params.nickname)
                } else {
                    try await engine.addContact(did: params.did ?? "", multiaddr: params.multiaddr, nickname: params.nickname)
                }
            }
            return ContactsAdd.Result(contact: ContactWire.object(contact))
        }
        table.async(ContactsInvite.self) { params throws(RPCError) in
            let invite = try await call { () throws(EngineError) in try await engine.makeInvite(lifetimeSeconds: params.expiresIn) }
            return ContactsInvite.Result(
                link: invite.link, qr: invite.qr, png: Base64.encode(invite.png), expiresAt: Timestamps.rfc3339(invite.expiresAt))
        }
        table.async(ContactsList.self) { _ throws(RPCError) in
            let contacts = try await call { () throws(EngineError) in try await engine.listContacts() }
            return ContactsList.Result(contacts: contacts.map(ContactWire.object))
        }
        table.async(ContactsFingerprint.self) { params throws(RPCError) in
            let number = try await call { () throws(EngineError) in try await engine.contactFingerprint(did: params.did) }
            return ContactsFingerprint.Result(safetyNumber: number)
        }
        table.async(ContactsRemove.self) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.removeContact(did: params.did) }
            return EmptyResult()
        }
        table.async(ContactsBlock.self) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.setContactBlocked(did: params.did, true) }
            return EmptyResult()
        }
        table.async(ContactsUnblock.self) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.setContactBlocked(did: params.did, false) }
            return EmptyResult()
        }
        table.async(ConversationsList.self) { _ throws(RPCError) in
            let conversations = try await call { () throws(EngineError) in try await engine.listConversations() }
            return ConversationsList.Result(conversations: conversations.map {
                ConversationObject(
                    id: $0.id, kind: $0.kind, title: $0.title, lastMessage: $0.lastMessage.map(MessageWire.object),
                    unread: Int64($0.unread), timer: $0.timerSeconds > 0 ? $0.timerSeconds : Int64(ConversationWire.defaultTimer))
            })
        }
        table.async(ConversationsSetTimer.self, lane: { $0.conversation }) { params throws(RPCError) in
            try await call { () throws(EngineError) in
                try await engine.setTimer(conversation: params.conversation, seconds: params.seconds.map { UInt32($0) })
            }
            return ConversationsSetTimer.Result(
                conversation: params.conversation, seconds: params.seconds ?? Int64(ConversationWire.defaultTimer))
        }
        table.async(TypingSet.self) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.setTyping(conversation: params.conversation, active: params.active) }
            return EmptyResult()
        }
        table.async(PresenceSet.self) { params throws(RPCError) in
            guard let status = PresenceStatus(name: params.status) else {
                throw RPCError.invalidParams(field: "status", reason: "must be one of online, away, busy, offline")
            }
            try await call { () throws(EngineError) in try await engine.setPresence(status) }
            return EmptyResult()
        }
        table.async(PresenceGet.self) { params throws(RPCError) in
            let (did, info) = try await call { () throws(EngineError) in
                let did = try await engine.personDID(params.did)
                return (did, try await engine.presence(of: did))
            }
            return PresenceWire.result(did: did, info)
        }
        table.async(UsernameRegister.self) { params throws(RPCError) in
            let registered = try await call { () throws(EngineError) in try await engine.registerUsername(params.name) }
            return UsernameRegister.Result(name: registered.name, did: registered.did)
        }
        table.async(UsernameResolve.self) { params throws(RPCError) in
            let resolved = try await call { () throws(EngineError) in try await engine.resolveUsername(params.name) }
            return UsernameResolve.Result(name: resolved.name, did: resolved.did, peerIds: resolved.peerIDs)
        }
        table.async(NodeStatusMethod.self) { _ throws(RPCError) in
            let status = try await call { () throws(EngineError) in try await engine.nodeStatus() }
            return NodeWire.result(status)
        }
        table.async(NodeConnect.self) { params throws(RPCError) in
            let peer = try await call { () throws(EngineError) in try await engine.connect(to: params.multiaddr) }
            return NodeConnect.Result(peerId: peer)
        }
        table.async(NodePeers.self) { _ throws(RPCError) in
            let peers = try await call { () throws(EngineError) in try await engine.nodePeers() }
            return NodePeers.Result(peers: peers.map {
                NodePeers.Peer(peerId: $0.peerID, addrs: $0.addresses, protocols: $0.protocols, latencyMs: $0.latencyMillis)
            })
        }
        table.async(GroupsCreate.self) { params throws(RPCError) in
            let id = try await call { () throws(EngineError) in try await engine.createGroup(name: params.name, members: params.members) }
            return GroupsCreate.Result(groupId: id)
        }
        table.async(GroupsInvite.self, lane: { $0.groupId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.inviteToGroup(params.groupId, member: params.member) }
            return EmptyResult()
        }
        table.async(GroupsRemove.self, lane: { $0.groupId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.removeFromGroup(params.groupId, member: params.member) }
            return EmptyResult()
        }
        table.async(GroupsLeave.self, lane: { $0.groupId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.leaveGroup(params.groupId) }
            return EmptyResult()
        }
        table.async(GroupsMembers.self) { params throws(RPCError) in
            let members = try await call { () throws(EngineError) in try await engine.groupMemberDetails(params.groupId) }
            return GroupsMembers.Result(members: members.map {
                GroupMemberObject(did: $0.did, username: $0.username, nickname: $0.nickname, isSelf: $0.isSelf)
            })
        }
        table.async(GroupsList.self) { _ throws(RPCError) in
            let groups = try await call { () throws(EngineError) in try await engine.listGroups() }
            return GroupsList.Result(groups: groups.map {
                GroupObject(groupId: $0.groupID, name: $0.name, members: $0.members, epoch: Int64(clamping: $0.epoch),
                    epochFingerprint: $0.epochFingerprint, active: $0.active)
            })
        }
        @Sendable func spec(_ media: CallMediaParams) -> CallMediaSpec {
            CallMediaSpec(audioSource: media.audioSource, videoSource: media.videoSource, audioSink: media.audioSink, videoSink: media.videoSink)
        }
        table.async(CallsStart.self) { params throws(RPCError) in
            let id = try await call { () throws(EngineError) in
                try await engine.startCall(peer: params.peer, audio: params.audio, video: params.video, spec: spec(params.media))
            }
            return CallsStart.Result(callId: id)
        }
        table.async(CallsAccept.self, lane: { $0.callId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.acceptCall(params.callId, spec: spec(params.media)) }
            return EmptyResult()
        }
        table.async(CallsReject.self, lane: { $0.callId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.rejectCall(params.callId) }
            return EmptyResult()
        }
        table.async(CallsHangup.self, lane: { $0.callId }) { params throws(RPCError) in
            try await call { () throws(EngineError) in try await engine.hangUpCall(params.callId) }
            return EmptyResult()
        }
        table.async(CallsStats.self) { params throws(RPCError) in
            let stats = try await call { () throws(EngineError) in try await engine.callStats(params.callId) }
            return CallsStats.Result(
                state: stats.state, rttMs: stats.rttMillis, jitterMs: stats.jitterMillis, packetsLost: stats.packetsLost,
                bitrateKbps: stats.bitrateKbps, codecs: stats.codecs, audioFrames: Int64(stats.audioFrames),
                videoFrames: Int64(stats.videoFrames), timing: stats.media.map { media in
                    var timing: JSONObject = ["startedAtNs": .int(Int64(clamping: media.startedAtNanos))]
                    if let v = media.firstAudioSentAtNanos { timing["firstAudioSentAtNs"] = .int(Int64(clamping: v)) }
                    if let v = media.firstSoundAtNanos { timing["firstSoundAtNs"] = .int(Int64(clamping: v)) }
                    if let v = media.firstAudioSentMillis { timing["firstAudioSentMs"] = .double((v * 100).rounded() / 100) }
                    if let v = media.firstAudioPlayedMillis { timing["firstAudioPlayedMs"] = .double((v * 100).rounded() / 100) }
                    return .object(timing)
                })
        }
        table.async(CallsList.self) { _ throws(RPCError) in
            let calls = await engine.listCalls()
            return CallsList.Result(calls: calls.map {
                CallObject(
                    callId: $0.callID, peer: $0.peer, direction: $0.direction, state: $0.state, reason: $0.reason, audio: $0.audio,
                    video: $0.video)
            })
        }
        return table
    }

    /// Runs an engine call, mapping its error and honouring cancellation.
    static func call<T: Sendable>(_ body: () async throws(EngineError) -> T) async throws(RPCError) -> T {
        if Task.isCancelled { throw RPCError.cancelled }
        do { return try await body() } catch { throw ErrorMapping.rpcError(error) }
    }
}

/// What handlers may do to the connection they serve.
public struct ServerControl: Sendable {
    public var shutdown: @Sendable () -> Void
    public var subscribe: @Sendable ([String]?) -> Void

    public init(shutdown: @escaping @Sendable () -> Void, subscribe: @escaping @Sendable ([String]?) -> Void) {
        self.shutdown = shutdown
        self.subscribe = subscribe
    }
}

/// Engine messages as wire objects.
enum MessageWire {
    static func object(_ message: Message) -> MessageObject {
        MessageObject(
            id: message.id, conversation: message.conversation, from: message.from, text: message.text,
            sentAt: Timestamps.rfc3339(message.sentAt), receivedAt: message.receivedAt.map(Timestamps.rfc3339),
            status: message.status, replyTo: message.replyTo, expiresAt: Timestamps.rfc3339(message.expiresAt))
    }
}

/// Presence as the wire shows it.
enum PresenceWire {
    static func result(did: String, _ info: PresenceInfo) -> PresenceGet.Result {
        PresenceGet.Result(did: did, status: info.status.name, lastSeen: info.lastSeen.map(Timestamps.rfc3339))
    }
}

/// Conversation facts on the wire.
enum ConversationWire {
    /// The timer a conversation has when none is set: 30 days, in seconds.
    static let defaultTimer = MessagingLimits.maxTimerSeconds
}

/// Engine contacts as wire objects.
enum ContactWire {
    static func object(_ contact: ContactSummary) -> ContactObject {
        ContactObject(did: contact.did, nickname: contact.nickname, username: contact.username, peerIds: contact.peerIDs)
    }
}

/// Node facts as wire objects.
enum NodeWire {
    static func result(_ status: NodeStatus) -> NodeStatusMethod.Result {
        NodeStatusMethod.Result(
            peerId: status.peerID, listenAddrs: status.listenAddresses, connectedPeers: status.connectedPeers,
            nat: status.nat, relays: status.relayAddresses, dhtEnabled: status.dhtEnabled, dhtPeers: status.dhtPeers)
    }
}
