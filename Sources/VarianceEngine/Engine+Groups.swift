import Crypto
import LibP2P
import LibP2PCore
import VarianceIdentity
import VarianceMessaging
import VarianceMLS
import VarianceOlm
import VarianceProtos
import VarianceStorage

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A group as `groups.list` and `groups.members` hand it out.
public struct GroupSummary: Sendable, Equatable {
    public var groupID: String
    public var name: String
    public var members: [String]
    public var epoch: UInt64
    /// An MLS exporter value of the epoch (label "variance epoch fingerprint", 16 bytes, hex):
    /// equal on every member in the same state, and it reveals no key.
    public var epochFingerprint: String
    /// False once we left or were removed (the history stays readable).
    public var active: Bool
}

/// What one of our commits meant to do, so that it can be done again if a competing commit
/// of the same epoch wins (see ``Engine/receiveGroupMessage(_:_:from:live:)``).
enum GroupIntent: Sendable {
    /// Add these people, with the key packages they gave us.
    case add([(did: String, keyPackage: UnverifiedKeyPackage)])
    /// Remove these people.
    case remove([String])
}

/// A group the engine takes part in: its MLS state and what it needs to converge.
struct GroupRuntime {
    var group: Group
    var name: String
    var active: Bool
    /// The state before the last commit we applied, that commit's hash and, when it was
    /// ours, what it was for: a competing commit of that epoch with a lower hash replaces it.
    var previous: (state: Group, commitHash: [UInt8], intent: GroupIntent?)?
    /// MLS messages not processable yet (a later epoch; or of this epoch on a branch we may
    /// still move to), oldest first, at most ``Engine/maxHeldGroupMessages``.
    var held: [[UInt8]] = []
    /// Our texts sent in the current epoch: sent again if the epoch's commit loses.
    var sentThisEpoch: [String] = []
    /// Reads the group's GossipSub topic.
    var subscription: Task<Void, Never>?
    /// Commits pending proposals (someone's leave) unless another member does first.
    var commitTimer: Task<Void, Never>?
}

/// Groups over MLS (RFC 9420, cipher suite 1) and GossipSub.
///
/// - A member's MLS credential is a basic credential holding its DID, and its MLS signature
///   key is its DID's Ed25519 key: a leaf whose key is not its DID's is refused.
/// - Adding someone takes a fresh KeyPackage from their node (`/variance/group/keypackage/1.0.0`,
///   answered to contacts only); the Welcome goes to them over Olm through the outbox (or a
///   relay), with the records and addresses of the members the committer knows.
/// - Every commit, proposal and application message is one PrivateMessage published on the
///   group's topic (``topic(of:)``) and kept in the group's log, which members that missed
///   something read with `/variance/group/sync/1.0.0`.
/// - Concurrent commits in one epoch: the commit whose bytes have the lowest SHA-256 wins.
///   A member that applied another one rolls back to the epoch's start and applies the
///   winner; the loser's author commits its change again in the next epoch and sends again
///   the texts it sent in the lost epoch (receivers drop repeats by message id).
extension Engine {
    /// The KeyPackage protocol.
    static let keyPackageProtocol = "/variance/group/keypackage/1.0.0"
    /// The group history protocol.
    static let groupSyncProtocol = "/variance/group/sync/1.0.0"
    /// The most members a group may have here (a Welcome with the ratchet tree must fit in
    /// one direct-message envelope).
    static let maxGroupSize = 100
    /// MLS messages held per group for later.
    static let maxHeldGroupMessages = 512
    /// Members asked for the log when we start.
    static let syncSources = 3
    /// Entries per sync response.
    static let groupSyncPage = 256
    /// Key packages we keep private keys for (the oldest go first).
    static let maxStoredKeyPackages = 64
    /// How long our key packages are valid.
    static let keyPackageLifetimeSeconds: UInt64 = 7 * 24 * 3600
    static let suite = try! CipherSuite(id: 1)

    static func groupStateKey(_ id: String) -> String { "group/\(id)/state" }
    static func groupMetaKey(_ id: String) -> String { "group/\(id)/meta" }
    static func keyPackageKey(_ reference: [UInt8]) -> String { "mls/keypackage/\(hex(reference))" }
    static let keyPackageIndexKey = "mls/keypackages"

    /// The GossipSub topic of a group: a hash of its id, so the id itself is not shown.
    static func topic(of groupID: String) -> String {
        "/variance/group/1/" + hex(Array(SHA256.hash(data: Array(groupID.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isGroupID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    var nowSeconds: UInt64 { UInt64(max(clock(), 0) / 1000) }

    // MARK: Identity in MLS

    func mlsSignatureKey() throws(EngineError) -> SignaturePrivateKey {
        let identity = try readyIdentity()
        do { return try SignaturePrivateKey(seed: identity.identitySeed) } catch {
            throw EngineError.internalError("the identity key is not an Ed25519 seed")
        }
    }

    static func credential(_ did: String) -> Credential { .basic(identity: Array(did.utf8)) }

    /// The DID a leaf stands for, if its credential names a DID whose key is the leaf's
    /// signature key.
    static func memberDID(_ leaf: LeafNode) -> String? {
        guard case .basic(let identity) = leaf.credential else { return nil }
        let did = String(decoding: identity, as: UTF8.self)
        guard DIDKey.did(ed25519PublicKey: leaf.signatureKey) == did else { return nil }
        return did
    }

    /// The members of a group by leaf index; throws if any leaf is not a valid DID member.
    static func memberDIDs(_ group: Group) throws(EngineError) -> [UInt32: String] {
        var result: [UInt32: String] = [:]
        for (index, leaf) in group.members {
            guard let did = memberDID(leaf) else {
                throw EngineError.crypto("A group member's credential does not match its key.")
            }
            result[index] = did
        }
        return result
    }

    func runtime(_ groupID: String) throws(EngineError) -> GroupRuntime {
        loadGroupsIfNeeded()
        guard let runtime = groupRuntimes[groupID] else { throw EngineError.notFound("No group \(groupID).") }
        return runtime
    }

    // MARK: Persistence

    static func encodeMeta(name: String, active: Bool) -> [UInt8] { [1, active ? 1 : 0] + Array(name.utf8) }

    static func decodeMeta(_ bytes: [UInt8]) -> (name: String, active: Bool)? {
        guard bytes.count >= 2, bytes[0] == 1 else { return nil }
        return (String(decoding: bytes[2...], as: UTF8.self), bytes[1] == 1)
    }

    func stateSettings(_ groupID: String, _ runtime: GroupRuntime) -> [(key: String, value: [UInt8])] {
        [
            (Self.groupStateKey(groupID), runtime.group.serializedState()),
            (Self.groupMetaKey(groupID), Self.encodeMeta(name: runtime.name, active: runtime.active)),
        ]
    }

    /// Loads every group from storage once (after the identity is ready).
    func loadGroupsIfNeeded() {
        guard !groupsLoaded, let store = try? readyStore(), let conversations = try? store.conversations() else { return }
        groupsLoaded = true
        for conversation in conversations where conversation.kind == .group {
            guard let state = try? store.value(forKey: Self.groupStateKey(conversation.id)),
                let group = try? Group(serializedState: state)
            else {
                logger.error("A group's state cannot be read", metadata: ["group": "\(conversation.id)"])
                continue
            }
            let meta = (try? store.value(forKey: Self.groupMetaKey(conversation.id))).flatMap { $0.flatMap(Self.decodeMeta) }
            groupRuntimes[conversation.id] = GroupRuntime(
                group: group, name: meta?.name ?? conversation.title, active: (meta?.active ?? true) && group.isActive)
        }
    }

    /// Subscribes to every active group's topic, reaches its members and asks them for what
    /// we missed. Called once the node and its pubsub run.
    func startGroups() {
        loadGroupsIfNeeded()
        for (id, runtime) in groupRuntimes where runtime.active {
            subscribe(id)
            Task { await self.reachMembers(of: id, sync: true) }
        }
    }

    func subscribe(_ groupID: String) {
        guard let pubsub, groupRuntimes[groupID]?.subscription == nil else { return }
        let topic = Self.topic(of: groupID)
        let reader = Task { [weak self] in
            guard let stream = try? await pubsub.subscribe(topic) else { return }
            for await message in stream {
                guard let self else { return }
                await self.receiveGroupMessage(groupID, message.data, from: message.author, live: true)
            }
        }
        groupRuntimes[groupID]?.subscription = reader
    }

    func unsubscribe(_ groupID: String) {
        groupRuntimes[groupID]?.subscription?.cancel()
        groupRuntimes[groupID]?.subscription = nil
        groupRuntimes[groupID]?.commitTimer?.cancel()
        let topic = Self.topic(of: groupID)
        if let pubsub { Task { await pubsub.unsubscribe(topic) } }
    }

    // MARK: The RPC surface

    /// Creates a group named `name` with us and `members` (DIDs or @names of contacts), and
    /// sends each a Welcome.
    public func createGroup(name: String, members: [String]) async throws(EngineError) -> String {
        let identity = try readyIdentity()
        guard name.utf8.count <= MessagingLimits.maxGroupNameBytes else {
            throw EngineError.invalid(field: "name", reason: "must be at most \(MessagingLimits.maxGroupNameBytes) bytes")
        }
        var dids: [String] = []
        for member in members {
            let did = try personDID(member)
            guard did != identity.did else { continue }
            if !dids.contains(did) { dids.append(did) }
        }
        guard dids.count + 1 <= Self.maxGroupSize else {
            throw EngineError.invalid(field: "members", reason: "would make the group larger than \(Self.maxGroupSize) members, the most this version supports")
        }
        let keyPackages = try await keyPackages(of: dids)
        var rng = SystemRandom()
        let groupIDBytes = (0..<MessagingLimits.groupIDBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let groupID = Self.hex(groupIDBytes)
        let now = nowSeconds
        let group: Group
        do {
            group = try Group.create(
                suite: Self.suite, groupID: groupIDBytes, credential: Self.credential(identity.did),
                signatureKey: try mlsSignatureKey(),
                lifetime: Lifetime(notBefore: now - 60, notAfter: now + Self.keyPackageLifetimeSeconds), using: &rng)
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.crypto("The group cannot be created: \(error)")
        }
        let store = try readyStore()
        loadGroupsIfNeeded()
        let runtime = GroupRuntime(group: group, name: name, active: true)
        do {
            let nowMillis = clock()
            try store.upsertConversation(StoredConversation(id: groupID, kind: .group, title: name, createdAt: nowMillis))
            try store.setValues(stateSettings(groupID, runtime))
        } catch {
            throw Self.map(error)
        }
        groupRuntimes[groupID] = runtime
        subscribe(groupID)
        try emit(.groupChanged(groupID: groupID, change: "created", members: [identity.did]))
        if !keyPackages.isEmpty {
            try await commit(groupID, adding: keyPackages, removing: [], intent: .add(keyPackages))
        }
        return groupID
    }

    /// Adds `member` (a DID or @name) to the group.
    public func inviteToGroup(_ groupID: String, member: String) async throws(EngineError) {
        let did = try personDID(member)
        let current = try runtime(groupID)
        guard current.active else { throw EngineError.conflict("You are no longer in this group.") }
        guard !(try Self.memberDIDs(current.group).values.contains(did)) else {
            throw EngineError.conflict("\(did) is already in this group.")
        }
        guard current.group.members.count < Self.maxGroupSize else {
            throw EngineError.invalid(field: "members", reason: "would make the group larger than \(Self.maxGroupSize) members, the most this version supports")
        }
        let keyPackages = try await keyPackages(of: [did])
        try await commit(groupID, adding: keyPackages, removing: [], intent: .add(keyPackages))
    }

    /// Removes `member` from the group.
    public func removeFromGroup(_ groupID: String, member: String) async throws(EngineError) {
        let did = try personDID(member)
        let current = try runtime(groupID)
        guard current.active else { throw EngineError.conflict("You are no longer in this group.") }
        guard did != identity?.did else {
            throw EngineError.invalid(field: "member", reason: "is you: use groups.leave to leave a group")
        }
        guard try Self.memberDIDs(current.group).values.contains(did) else {
            throw EngineError.notFound("\(did) is not in this group.")
        }
        try await commit(groupID, adding: [], removing: [did], intent: .remove([did]))
    }

    /// Leaves the group: a proposal to remove us goes to the members (one of them commits
    /// it); from now on we neither send nor read there. The history stays.
    public func leaveGroup(_ groupID: String) async throws(EngineError) {
        var current = try runtime(groupID)
        guard current.active else { throw EngineError.conflict("You are no longer in this group.") }
        var rng = SystemRandom()
        let bytes: [UInt8]
        do {
            let own = current.group.ownLeafIndex
            bytes = try current.group.propose(.remove(Remove(removed: own)), now: nowSeconds, using: &rng).tlsSerialized
        } catch {
            throw EngineError.crypto("Leaving failed: \(error)")
        }
        current.active = false
        let epoch = current.group.epoch
        groupRuntimes[groupID] = current
        do {
            try readyStore().appendGroupLog(
                groupID, [GroupLogEntry(epoch: epoch, hash: Self.sha256(bytes), kind: .proposal, bytes: bytes)],
                settings: stateSettings(groupID, current), now: clock())
            try readyStore().removeOutbox(conversation: groupID)
        } catch {
            throw Self.map(error)
        }
        await publish(groupID, bytes)
        unsubscribe(groupID)
        try emit(.groupChanged(groupID: groupID, change: "left", members: (try? Self.memberDIDs(current.group))?.sortedValues ?? []))
    }

    /// The group's members (DIDs), ours included.
    public func groupMembers(_ groupID: String) throws(EngineError) -> [String] {
        try Self.memberDIDs(try runtime(groupID).group).sortedValues
    }

    /// Every group we are or were in.
    public func listGroups() throws(EngineError) -> [GroupSummary] {
        _ = try readyIdentity()
        loadGroupsIfNeeded()
        return groupRuntimes.keys.sorted().compactMap { id in
            guard let runtime = groupRuntimes[id] else { return nil }
            return GroupSummary(
                groupID: id, name: runtime.name, members: (try? Self.memberDIDs(runtime.group))?.sortedValues ?? [],
                epoch: runtime.group.epoch,
                epochFingerprint: Self.hex(
                    (try? runtime.group.exportSecret(label: "variance epoch fingerprint", context: [], length: 16)) ?? []),
                active: runtime.active)
        }
    }

    // MARK: Commits

    /// Commits pending proposals and the given changes, adopts the new epoch, keeps the
    /// commit in the log, publishes it and sends the Welcome to the newcomers.
    func commit(
        _ groupID: String, adding: [(did: String, keyPackage: UnverifiedKeyPackage)], removing: [String],
        intent: GroupIntent?
    ) async throws(EngineError) {
        var current = try runtime(groupID)
        guard current.active else { throw EngineError.conflict("You are no longer in this group.") }
        let members = try Self.memberDIDs(current.group)
        let addingNow = adding.filter { entry in !members.values.contains(entry.did) }
        let leaves = removing.compactMap { did in members.first { $0.value == did }?.key }
        guard !addingNow.isEmpty || !leaves.isEmpty || current.group.pendingProposalCount > 0 else { return }
        var base = current.group
        var rng = SystemRandom()
        let result: Group.CommitResult
        do {
            result = try base.commit(adding: addingNow.map(\.keyPackage), removing: leaves, now: nowSeconds, using: &rng)
        } catch {
            throw EngineError.crypto("The group change cannot be committed: \(error)")
        }
        let newMembers = try Self.memberDIDs(result.group)
        let bytes = result.message.tlsSerialized
        let hash = Self.sha256(bytes)
        current.previous = (base, hash, intent)
        current.group = result.group
        current.sentThisEpoch = []
        current.active = result.group.isActive
        groupRuntimes[groupID] = current
        do {
            try readyStore().appendGroupLog(
                groupID, [GroupLogEntry(epoch: base.epoch, hash: hash, kind: .commit, bytes: bytes)],
                settings: stateSettings(groupID, current), now: clock())
        } catch {
            throw Self.map(error)
        }
        await publish(groupID, bytes)
        if let welcome = result.welcome {
            let welcomeBytes = welcome.tlsSerialized
            let infos = await memberInfos(of: newMembers.sortedValues.filter { did in !addingNow.contains { $0.did == did } })
            for entry in addingNow {
                let content = Content.groupWelcome(GroupWelcome(
                    groupID: current.group.groupID, name: current.name, welcome: welcomeBytes,
                    members: Self.fitting(infos, welcome: welcomeBytes, name: current.name)))
                try enqueueControl(content, to: entry.did)
            }
        }
        try emitMembershipChange(groupID, from: members, to: newMembers)
        retryHeld(groupID)
    }

    /// Member infos that fit in one envelope beside the Welcome.
    static func fitting(_ infos: [MemberInfo], welcome: [UInt8], name: String) -> [MemberInfo] {
        var budget = MessagingProtocol.maxRequestBytes - 4096 - welcome.count - name.utf8.count
        var kept: [MemberInfo] = []
        for info in infos {
            let size = info.record.count + info.addresses.reduce(0) { $0 + $1.utf8.count + 4 } + 16
            guard size <= budget else { break }
            budget -= size
            kept.append(info)
        }
        return kept
    }

    /// What we know of these members: their records and addresses (ours with our own).
    func memberInfos(of dids: [String]) async -> [MemberInfo] {
        var infos: [MemberInfo] = []
        for did in dids {
            if did == identity?.did {
                if let own = await ownMemberInfo() { infos.append(own) }
                continue
            }
            guard let bytes = try? readyStore().value(forKey: MessagingProtocol.recordKey(did)) else { continue }
            infos.append(MemberInfo(record: bytes, addresses: storedAddresses(of: did).map(\.description)))
        }
        return infos
    }

    func ownMemberInfo() async -> MemberInfo? {
        guard let node = swarm, let record = try? ourRecord() else { return nil }
        let addresses = (await node.listenAddresses + node.relayedAddresses).compactMap {
            Self.dialable($0, of: node.localPeer)?.description
        }
        return MemberInfo(record: record.bytes, addresses: Array(addresses.prefix(MessagingLimits.maxMemberAddresses)))
    }

    func emitMembershipChange(_ groupID: String, from old: [UInt32: String], to new: [UInt32: String]) throws(EngineError) {
        let before = Set(old.values)
        let after = Set(new.values)
        guard before != after else { return }
        let change = after.isSuperset(of: before) ? "added" : (before.isSuperset(of: after) ? "removed" : "changed")
        try emit(.groupChanged(groupID: groupID, change: change, members: new.sortedValues))
        for did in after.subtracting(before) where did != identity?.did {
            Task { await self.reach(did) }
        }
    }

    /// Publishes an MLS message on the group's topic (best effort: the log keeps it for
    /// members who sync).
    @discardableResult
    func publish(_ groupID: String, _ bytes: [UInt8]) async -> Bool {
        guard let pubsub else { return false }
        do {
            try await pubsub.publish(Self.topic(of: groupID), bytes)
        } catch {
            logger.info("Publishing to a group failed", metadata: ["group": "\(groupID)", "error": "\(error)"])
            return false
        }
        return !(await pubsub.peers(Self.topic(of: groupID))).isEmpty
    }

    /// Someone's proposal waits: commit it after a pause that grows with our rank among the
    /// members (the lowest leaf first), unless a commit arrives before.
    func scheduleCommit(_ groupID: String, proposer: UInt32?) {
        guard let current = groupRuntimes[groupID], current.active, current.commitTimer == nil else { return }
        let others = current.group.members.keys.filter { $0 != proposer }.sorted()
        let rank = others.firstIndex(of: current.group.ownLeafIndex) ?? others.count
        let delay = Duration.milliseconds(200 + 400 * min(rank, 20))
        groupRuntimes[groupID]?.commitTimer = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.commitPendingNow(groupID)
        }
    }

    func commitPendingNow(_ groupID: String) async {
        groupRuntimes[groupID]?.commitTimer = nil
        guard let current = groupRuntimes[groupID], current.active, current.group.pendingProposalCount > 0 else { return }
        do { try await commit(groupID, adding: [], removing: [], intent: nil) } catch {
            logger.info("Committing pending proposals failed", metadata: ["group": "\(groupID)", "error": "\(error.message)"])
        }
    }

    // MARK: Key packages

    /// A fresh, verified KeyPackage from each person's node, fetched in turn.
    func keyPackages(of dids: [String]) async throws(EngineError) -> [(did: String, keyPackage: UnverifiedKeyPackage)] {
        var result: [(did: String, keyPackage: UnverifiedKeyPackage)] = []
        for did in dids { result.append((did, try await keyPackage(of: did))) }
        return result
    }

    func keyPackage(of did: String) async throws(EngineError) -> UnverifiedKeyPackage {
        guard let node = await startNode() else { throw EngineError.unreachable("the node is not running") }
        var record = try knownRecord(did)
        if record == nil { record = await recordFromDirectory(did) }
        guard let record else { throw EngineError.notFound("\(did) is not a contact and was not found in the network.") }
        guard let peer = await reachablePeer(of: record, node: node) else {
            throw EngineError.unreachable("\(did) cannot be reached now; they can be added to the group once they are online.")
        }
        let responseBytes: [UInt8]
        do {
            responseBytes = try await node.request(
                peer, protocolID: Self.keyPackageProtocol, GroupWire.encodeKeyPackageRequest(),
                maxResponseBytes: GroupWire.maxKeyPackageResponseBytes, timeout: .seconds(15))
        } catch {
            throw EngineError.unreachable("\(did) did not give a key package: \(error)")
        }
        let keyPackageBytes: [UInt8]
        switch try? GroupWire.decodeKeyPackageResponse(responseBytes) {
        case .success(let bytes)?: keyPackageBytes = bytes
        case .failure(let refusal)?: throw EngineError.unreachable("\(did)'s node refused: \(refusal.reason).")
        case nil: throw EngineError.crypto("\(did)'s node answered with something that is not a key package.")
        }
        guard let message = try? MLSMessage(tlsSerialized: keyPackageBytes),
            case .keyPackage(let keyPackage) = message.body,
            (try? KeyPackage(verifying: keyPackage, suite: Self.suite, now: nowSeconds)) != nil,
            Self.memberDID(keyPackage.leafNode) == did
        else { throw EngineError.crypto("\(did)'s key package does not verify, or is not theirs.") }
        return keyPackage
    }

    /// Answers a KeyPackage request from a contact's peer with a fresh one, whose private
    /// keys we keep (at most ``maxStoredKeyPackages``).
    func answerKeyPackageRequest(from peer: PeerID, _ bytes: [UInt8]) throws -> [UInt8] {
        guard (try? GroupWire.decodeKeyPackageRequest(bytes)) != nil else {
            return try GroupWire.encodeKeyPackageResponse(keyPackage: [], error: "malformed request")
        }
        let identity = try readyIdentity()
        let store = try readyStore()
        let isContact = try store.contacts().contains { contact in
            !contact.blocked && ((try? knownRecord(contact.did))??.peerIDs.contains(peer) ?? false)
        }
        guard isContact else {
            return try GroupWire.encodeKeyPackageResponse(keyPackage: [], error: "only contacts can add us to groups")
        }
        var rng = SystemRandom()
        let now = nowSeconds
        let bundle = try KeyPackageBundle.generate(
            suite: Self.suite, credential: Self.credential(identity.did), signatureKey: try mlsSignatureKey(),
            lifetime: Lifetime(notBefore: now - 60, notAfter: now + Self.keyPackageLifetimeSeconds), using: &rng)
        let reference = bundle.keyPackage.reference(suite: Self.suite)
        var index = (try store.value(forKey: Self.keyPackageIndexKey)).map { Self.references($0) } ?? []
        index.append(reference)
        var settings: [(key: String, value: [UInt8])] = [(Self.keyPackageKey(reference), bundle.serialized())]
        while index.count > Self.maxStoredKeyPackages {
            _ = try? store.removeValue(forKey: Self.keyPackageKey(index.removeFirst()))
        }
        settings.append((Self.keyPackageIndexKey, index.flatMap { $0 }))
        try store.setValues(settings)
        return try GroupWire.encodeKeyPackageResponse(
            keyPackage: MLSMessage(.keyPackage(bundle.keyPackage.value)).tlsSerialized, error: nil)
    }

    /// The 32-byte references of an index value.
    static func references(_ bytes: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: bytes.count - bytes.count % 32, by: 32).map { Array(bytes[$0..<$0 + 32]) }
    }

    // MARK: Joining

    /// A contact sent us a Welcome: join, announce ourselves, reach the members and fetch
    /// what we missed. A Welcome into a group we are in already is taken only if it starts
    /// a later epoch (a re-add after a competing commit won).
    func acceptWelcome(_ welcome: GroupWelcome, from record: IdentityRecord) throws {
        guard try readyStore().contact(did: record.did) != nil else {
            logger.info("Ignoring a group Welcome from someone who is not a contact")
            return
        }
        loadGroupsIfNeeded()
        let groupID = Self.hex(welcome.groupID)
        guard let message = try? MLSMessage(tlsSerialized: welcome.welcome), case .welcome(let mlsWelcome) = message.body else {
            logger.info("A group Welcome does not decode")
            return
        }
        let store = try readyStore()
        var joined: Group?
        for secrets in mlsWelcome.secrets {
            guard let bytes = try store.value(forKey: Self.keyPackageKey(secrets.newMember)),
                let bundle = try? KeyPackageBundle(serialized: bytes)
            else { continue }
            do {
                joined = try Group.join(welcome: mlsWelcome, bundle: bundle, suite: Self.suite)
            } catch {
                logger.info("A group Welcome does not open", metadata: ["error": "\(error)"])
                return
            }
            break
        }
        guard let group = joined, group.groupID == welcome.groupID else {
            logger.info("A group Welcome is not for any key package of ours")
            return
        }
        let members = try Self.memberDIDs(group)
        guard members.values.contains(record.did) else {
            logger.info("A group Welcome comes from someone outside the group")
            return
        }
        if let existing = groupRuntimes[groupID], existing.active, existing.group.epoch >= group.epoch { return }
        groupRuntimes[groupID]?.subscription?.cancel()
        let runtime = GroupRuntime(group: group, name: welcome.name, active: true)
        let now = clock()
        var conversation = try store.conversation(id: groupID)
            ?? StoredConversation(id: groupID, kind: .group, title: welcome.name, createdAt: now)
        conversation.lastActivityAt = max(conversation.lastActivityAt, now)
        try store.upsertConversation(conversation)
        try store.setValues(stateSettings(groupID, runtime))
        groupRuntimes[groupID] = runtime
        for info in welcome.members { rememberMember(info, expectedDID: nil) }
        subscribe(groupID)
        try emit(.groupChanged(groupID: groupID, change: "joined", members: members.sortedValues))
        Task {
            if let own = await self.ownMemberInfo() {
                try? await self.enqueueControl(.memberInfo(own), to: groupID)
            }
            await self.reachMembers(of: groupID, sync: true)
        }
    }

    /// Keeps a member's verified record (if newer) and addresses.
    func rememberMember(_ info: MemberInfo, expectedDID: String?) {
        guard let unverified = try? UnverifiedIdentityRecord(bytes: info.record) else { return }
        let did = expectedDID ?? unverified.claimedDID
        guard did != identity?.did, let record = try? unverified.verify(expectedDID: did) else { return }
        let known: IdentityRecord? = (try? knownRecord(did)) ?? nil
        if known == nil || record.sequence > known!.sequence { try? remember(record, bytes: info.record) }
        let addresses = info.addresses.prefix(Self.maxStoredAddresses).compactMap { try? Multiaddr($0) }
            .filter { $0.peerID.map(record.peerIDs.contains) ?? false }
        if !addresses.isEmpty { try? storeAddresses(addresses, of: did) }
    }

    // MARK: Reaching members

    /// Dials the members we can (their records known) and, with `sync`, asks up to
    /// ``syncSources`` of them for what we missed (a member may itself have missed part:
    /// several logs together leave no gap that any one of them covers).
    func reachMembers(of groupID: String, sync: Bool) async {
        guard let node = await startNode(), let current = groupRuntimes[groupID],
            let members = try? Self.memberDIDs(current.group)
        else { return }
        var synced = 0
        for did in members.sortedValues where did != identity?.did {
            var record: IdentityRecord? = (try? knownRecord(did)) ?? nil
            if record == nil { record = await recordFromDirectory(did) }
            guard let record else { continue }
            guard let peer = await reachablePeer(of: record, node: node) else { continue }
            if sync, synced < Self.syncSources, await syncGroup(groupID, from: peer) { synced += 1 }
        }
    }

    /// Dials one person (a new member).
    func reach(_ did: String) async {
        guard let node = await startNode(), let record = try? knownRecord(did) else { return }
        _ = await reachablePeer(of: record, node: node)
    }

    /// A peer connected: for each active group it is a member's peer in, fetch what we
    /// missed from it (at most once per group every few seconds).
    func groupPeerConnected(_ peer: PeerID) async {
        loadGroupsIfNeeded()
        for (id, current) in groupRuntimes where current.active {
            guard let members = try? Self.memberDIDs(current.group) else { continue }
            let isMember = members.values.contains { did in (try? knownRecord(did))??.peerIDs.contains(peer) ?? false }
            guard isMember else { continue }
            let now = clock()
            if let last = lastGroupSync[id], now - last < 3_000 { continue }
            lastGroupSync[id] = now
            _ = await syncGroup(id, from: peer)
        }
    }

    // MARK: Sync

    /// Reads the group's log from `peer`, from our epoch on, and applies what is new.
    /// Returns whether the peer answered.
    @discardableResult
    func syncGroup(_ groupID: String, from peer: PeerID) async -> Bool {
        guard let node = swarm, let start = groupRuntimes[groupID], start.active else { return false }
        var after: UInt64 = 0
        for _ in 0..<200 {
            let request = GroupWire.SyncRequest(
                groupID: start.group.groupID, epoch: start.group.epoch, after: after, limit: Self.groupSyncPage)
            guard let bytes = try? GroupWire.encode(request),
                let responseBytes = try? await node.request(
                    peer, protocolID: Self.groupSyncProtocol, bytes, maxResponseBytes: GroupWire.maxSyncResponseBytes,
                    timeout: .seconds(20)),
                let response = try? GroupWire.decodeSyncResponse(responseBytes), response.error == nil
            else { return false }
            logger.debug("Group sync page", metadata: [
                "group": "\(groupID)", "peer": "\(peer)", "entries": "\(response.messages.count)", "more": "\(response.more)",
            ])
            for message in response.messages {
                await receiveGroupMessage(groupID, message, from: peer, live: false)
            }
            guard response.more, response.next > after else { return true }
            after = response.next
        }
        return true
    }

    /// Answers a sync request from a member's peer with a page of our log.
    func answerSync(from peer: PeerID, _ bytes: [UInt8]) throws -> [UInt8] {
        guard let request = try? GroupWire.decodeSyncRequest(bytes) else {
            return try GroupWire.encode(GroupWire.SyncResponse(messages: [], next: 0, more: false, error: "malformed request"))
        }
        loadGroupsIfNeeded()
        let groupID = Self.hex(request.groupID)
        guard let current = groupRuntimes[groupID], let members = try? Self.memberDIDs(current.group),
            members.values.contains(where: { did in (try? knownRecord(did))??.peerIDs.contains(peer) ?? false })
        else {
            return try GroupWire.encode(GroupWire.SyncResponse(messages: [], next: 0, more: false, error: "not a member"))
        }
        // Pages stay under the response bound: entries are added while they fit.
        let entries = try readyStore().groupLog(
            groupID, fromEpoch: request.epoch, after: Int64(clamping: request.after), limit: request.limit + 1)
        var page: [GroupLogEntry] = []
        var size = 64
        for entry in entries.prefix(request.limit) {
            guard entry.bytes.count <= GroupWire.maxMLSMessageBytes else { continue }
            size += entry.bytes.count + 8
            guard size <= GroupWire.maxSyncResponseBytes else { break }
            page.append(entry)
        }
        let next = UInt64(max(page.last?.seq ?? Int64(clamping: request.after), 0))
        return try GroupWire.encode(GroupWire.SyncResponse(
            messages: page.map(\.bytes), next: next, more: entries.count > page.count))
    }

    // MARK: Receiving

    /// The epoch and content type an MLS message shows in the clear.
    static func frameInfo(_ message: MLSMessage) -> (epoch: UInt64, type: ContentType)? {
        switch message.body {
        case .privateMessage(let p): (p.epoch, p.contentType)
        case .publicMessage(let p): (p.content.epoch, p.content.body.contentType)
        default: nil
        }
    }

    /// Handles one MLS message of a group (from its topic, or from a sync when not `live`).
    func receiveGroupMessage(_ groupID: String, _ bytes: [UInt8], from peer: PeerID?, live: Bool) async {
        guard var current = groupRuntimes[groupID], current.active else { return }
        let hash = Self.sha256(bytes)
        if (try? readyStore().groupLogContains(groupID, hash: hash)) != false { return }
        guard let message = try? MLSMessage(tlsSerialized: bytes), let info = Self.frameInfo(message) else { return }
        let epoch = current.group.epoch
        logger.trace("Group message", metadata: [
            "group": "\(groupID)", "epoch": "\(info.epoch)", "ours": "\(epoch)", "type": "\(info.type)", "live": "\(live)",
        ])
        if info.epoch > epoch {
            hold(groupID, bytes)
            if live, let peer {
                let now = clock()
                if now - (lastGroupSync[groupID] ?? 0) > 1_000 {
                    lastGroupSync[groupID] = now
                    Task { await self.syncGroup(groupID, from: peer) }
                }
            }
            return
        }
        // A competing commit for the epoch we just left.
        if info.type == .commit, info.epoch + 1 == epoch, let previous = current.previous, previous.state.epoch == info.epoch {
            guard hash.lexicographicallyPrecedes(previous.commitHash) else { return }  // it loses: ignore it
            guard let (received, next) = try? previous.state.processed(message, now: nil), case .commit = received,
                let newMembers = try? Self.memberDIDs(next)
            else { return }
            let oldMembers = (try? Self.memberDIDs(current.group)) ?? [:]
            let lostIntent = previous.intent
            let resend = current.sentThisEpoch
            current.group = next
            current.previous = (previous.state, hash, nil)
            current.sentThisEpoch = []
            groupRuntimes[groupID] = current
            logger.info("A competing commit won; moved to its branch", metadata: ["group": "\(groupID)", "epoch": "\(next.epoch)"])
            do {
                try readyStore().dropGroupBranch(
                    groupID, commit: previous.commitHash, after: info.epoch, settings: stateSettings(groupID, current))
                try readyStore().appendGroupLog(
                    groupID, [GroupLogEntry(epoch: info.epoch, hash: hash, kind: .commit, bytes: bytes)], now: clock())
                try emitMembershipChange(groupID, from: oldMembers, to: newMembers)
            } catch {
                logger.error("Storing a group's new branch failed", metadata: ["error": "\(Self.reason(error))"])
            }
            resendTexts(resend, in: groupID)
            if let lostIntent { redo(lostIntent, in: groupID) }
            retryHeld(groupID)
            return
        }
        let processed: (Group.Received, Group)
        do {
            processed = try current.group.processed(message, now: nil)
        } catch {
            // Of this epoch on another branch (held until we move to it), or not for us.
            if info.epoch == epoch, info.type != .commit { hold(groupID, bytes) }
            logger.debug("A group message was not processed", metadata: [
                "group": "\(groupID)", "error": "\(error)", "epoch": "\(info.epoch)", "ours": "\(epoch)", "type": "\(info.type)",
                "previous": "\(current.group.previousEpochNumber.map(String.init) ?? "-")", "live": "\(live)",
            ])
            return
        }
        let (received, next) = processed
        let kind: GroupLogEntry.Kind = info.type == .commit ? .commit : (info.type == .proposal ? .proposal : .message)
        let entry = GroupLogEntry(epoch: info.epoch, hash: hash, kind: kind, bytes: bytes)
        let oldMembers = (try? Self.memberDIDs(current.group)) ?? [:]
        switch received {
        case .application(let sender, let data, _):
            guard let senderDID = oldMembers[sender] ?? (try? Self.memberDIDs(next))?[sender] else { return }
            current.group = next
            groupRuntimes[groupID] = current
            handleGroupApplication(groupID, data, from: senderDID, entry: entry, live: live)
        case .proposal(let sender, _):
            current.group = next
            groupRuntimes[groupID] = current
            keep(groupID, entry)
            var proposer: UInt32?
            if case .member(let leaf) = sender { proposer = leaf }
            scheduleCommit(groupID, proposer: proposer)
        case .commit:
            guard let newMembers = try? Self.memberDIDs(next) else {
                logger.info("Refusing a commit that adds a member whose credential is not its key's DID")
                return
            }
            current.previous = (current.group, hash, nil)
            current.group = next
            current.sentThisEpoch = []
            current.commitTimer?.cancel()
            current.commitTimer = nil
            groupRuntimes[groupID] = current
            keep(groupID, entry)
            try? emitMembershipChange(groupID, from: oldMembers, to: newMembers)
            retryHeld(groupID)
        case .removed:
            current.group = next
            current.active = false
            groupRuntimes[groupID] = current
            keep(groupID, entry)
            unsubscribe(groupID)
            _ = try? readyStore().removeOutbox(conversation: groupID)
            try? emit(.groupChanged(groupID: groupID, change: "removed", members: []))
        }
    }

    /// Keeps the new state and the log entry (one transaction).
    func keep(_ groupID: String, _ entry: GroupLogEntry) {
        guard let current = groupRuntimes[groupID] else { return }
        do {
            try readyStore().appendGroupLog(groupID, [entry], settings: stateSettings(groupID, current), now: clock())
        } catch {
            logger.error("Storing a group message failed", metadata: ["error": "\(Self.reason(error))"])
        }
    }

    func hold(_ groupID: String, _ bytes: [UInt8]) {
        guard groupRuntimes[groupID] != nil else { return }
        groupRuntimes[groupID]!.held.append(bytes)
        if groupRuntimes[groupID]!.held.count > Self.maxHeldGroupMessages { groupRuntimes[groupID]!.held.removeFirst() }
    }

    /// Tries the held messages again (after the epoch moved).
    func retryHeld(_ groupID: String) {
        guard let held = groupRuntimes[groupID]?.held, !held.isEmpty else { return }
        groupRuntimes[groupID]?.held = []
        Task {
            for bytes in held { await self.receiveGroupMessage(groupID, bytes, from: nil, live: false) }
        }
    }

    /// Our commit lost: do its change again in the new epoch.
    func redo(_ intent: GroupIntent, in groupID: String) {
        Task {
            do {
                switch intent {
                case .add(let entries): try await self.commit(groupID, adding: entries, removing: [], intent: intent)
                case .remove(let dids): try await self.commit(groupID, adding: [], removing: dids, intent: intent)
                }
            } catch {
                self.logger.info("Re-committing after a lost race failed", metadata: ["error": "\(Self.reason(error))"])
            }
        }
    }

    /// Our texts of a lost epoch go out again (the same ids: receivers drop repeats).
    func resendTexts(_ ids: [String], in groupID: String) {
        guard !ids.isEmpty, let store = try? readyStore() else { return }
        let now = clock()
        for id in ids {
            guard let stored = try? store.message(id: id, now: now) else { continue }
            let content = DirectMessage(
                id: id, sentAtMs: UInt64(max(stored.sentAt, 0)),
                content: .text(body: stored.text, replyTo: stored.replyTo, expiresInSeconds: nil))
            guard let payload = try? DirectMessageCodec.encode(content) else { continue }
            let itemID = Self.messageIDs.next(unixMillis: now).description
            _ = try? store.enqueueOutbox(StoredOutboxItem(id: itemID, messageId: id, conversation: groupID, payload: payload, createdAt: now))
        }
        kickDrain(groupID)
    }

    /// Acts on a decrypted application message of a group from a verified member.
    func handleGroupApplication(_ groupID: String, _ data: [UInt8], from did: String, entry: GroupLogEntry, live: Bool) {
        guard let current = groupRuntimes[groupID], let store = try? readyStore() else { return }
        guard let message = try? DirectMessageCodec.decodeMessage(data) else {
            keep(groupID, entry)
            return
        }
        let settings = stateSettings(groupID, current)
        do {
            switch message.content {
            case .text(let body, let replyTo, let expiresIn):
                let now = clock()
                let conversation = try store.conversation(id: groupID)
                let timer = expiresIn.map(Int64.init) ?? (conversation?.timerSeconds ?? 0)
                let lifetime = timer > 0 ? min(timer, Int64(MessagingLimits.maxTimerSeconds)) : Int64(MessagingLimits.maxTimerSeconds)
                let stored = StoredMessage(
                    id: message.id, conversation: groupID, sender: did, text: body,
                    sentAt: Int64(clamping: message.sentAtMs), receivedAt: now, status: "received", replyTo: replyTo,
                    expiresAt: now + lifetime * 1000)
                let encode = encoded
                let new = try store.insertIncoming(
                    [stored], event: { encode(.messageReceived(Self.message($0))) }, settings: settings, now: now)
                try store.appendGroupLog(groupID, [entry], now: now)
                push(new.map { item in
                    let (method, params) = encode(.messageReceived(Self.message(item.message)))
                    return EventRecord(seq: item.seq, method: method, params: params)
                })
                if !new.isEmpty { queueGroupReceipt(message.id, in: groupID) }
            case .deliveryReceipt(let ids):
                keep(groupID, entry)
                try applyGroupReceipt(ids, upTo: nil, from: did, in: groupID, status: "delivered")
            case .readReceipt(let upTo, let ids):
                keep(groupID, entry)
                try applyGroupReceipt(ids, upTo: upTo, from: did, in: groupID, status: "read")
            case .typing(let active):
                keep(groupID, entry)
                if live { try emit(.typing(conversation: groupID, from: did, active: active)) }
            case .memberInfo(let info):
                keep(groupID, entry)
                rememberMember(info, expectedDID: did)
                if live { Task { await self.reach(did) } }
            case .presence, .timer, .groupWelcome, .callSignal:
                keep(groupID, entry)
            }
        } catch {
            logger.error("A group message could not be stored", metadata: ["error": "\(Self.reason(error))"])
        }
    }

    /// Our messages move to `delivered` (or `read`) once every other current member said so.
    func applyGroupReceipt(_ ids: [String], upTo: String?, from did: String, in groupID: String, status: String) throws {
        guard let current = groupRuntimes[groupID], let me = identity?.did else { return }
        let store = try readyStore()
        var all = ids
        if let upTo { all += try store.ownUnreadMessageIDs(conversation: groupID, sender: me, upTo: upTo, limit: 1000) }
        guard !all.isEmpty else { return }
        let others = Set(try Self.memberDIDs(current.group).values).subtracting([me])
        let reached = try store.noteGroupReceipts(all, member: did, status: status)
        let complete = reached.filter { others.isSubset(of: $0.value) }.map(\.key).sorted()
        try advanceOurMessages(complete, in: groupID, to: status)
    }

    /// A burst of received group texts shares one delivery receipt.
    func queueGroupReceipt(_ id: String, in groupID: String) {
        let first = pendingReceipts[groupID] == nil
        pendingReceipts[groupID, default: []].append(id)
        if first { Task { self.flushDeliveryReceipts(to: groupID) } }
    }

    // MARK: Sending (the outbox's side)

    /// Encrypts the queued items of a group in order and publishes them; the same bytes go
    /// again on a retry in the same epoch. If the epoch moves while a batch is being
    /// published (a commit arrived meanwhile), the rest is encrypted again in the new epoch
    /// before it goes, so that nothing leaves more than one epoch behind (members keep the
    /// keys of one past epoch only). Returns how many were sent (all, or throws).
    func deliverToGroup(_ messages: [DirectMessage], groupID: String) async throws(EngineError) -> Int {
        var published = 0
        var reached = false
        var rounds = 0
        while published < messages.count {
            rounds += 1
            guard rounds <= 16 else { throw EngineError.unreachable("The group's epoch keeps moving; the messages wait.") }
            _ = try await groupReadyToSend(groupID)
            // Read again after the suspension: nothing may change it from here to the adoption.
            guard var current = groupRuntimes[groupID] else { throw EngineError.notFound("No group \(groupID).") }
            let store = try readyStore()
            var rng = SystemRandom()
            var outgoing: [[UInt8]] = []
            var entries: [GroupLogEntry] = []
            let epoch = current.group.epoch
            do {
                for message in messages[published...] {
                    if let sent = try store.groupLogMessage(groupID, messageID: message.id, epoch: epoch) {
                        outgoing.append(sent.bytes)
                        continue
                    }
                    let plaintext = try DirectMessageCodec.encode(message)
                    let bytes = try current.group.encrypt(plaintext, using: &rng).tlsSerialized
                    outgoing.append(bytes)
                    entries.append(
                        GroupLogEntry(epoch: epoch, hash: Self.sha256(bytes), kind: .message, messageID: message.id, bytes: bytes))
                    if case .text = message.content { current.sentThisEpoch.append(message.id) }
                }
            } catch let error as EngineError {
                throw error
            } catch {
                throw EngineError.crypto("The group message cannot be encrypted: \(error)")
            }
            // No suspension since reading the state: adopt it, persist it with the log, then send.
            groupRuntimes[groupID]?.group = current.group
            groupRuntimes[groupID]?.sentThisEpoch = current.sentThisEpoch
            do { try store.appendGroupLog(groupID, entries, settings: stateSettings(groupID, current), now: clock()) } catch {
                throw Self.map(error)
            }
            for bytes in outgoing {
                guard groupRuntimes[groupID]?.group.epoch == epoch else { break }
                if await publish(groupID, bytes) { reached = true }
                published += 1
            }
        }
        guard reached || (groupRuntimes[groupID]?.group.members.count ?? 0) <= 1 else {
            throw EngineError.unreachable("No member of the group is connected; the message waits.")
        }
        return messages.count
    }

    /// The group's state once it can carry application messages (pending proposals
    /// committed first).
    private func groupReadyToSend(_ groupID: String) async throws(EngineError) -> GroupRuntime {
        guard let current = groupRuntimes[groupID] else { throw EngineError.notFound("No group \(groupID).") }
        guard current.active else { throw EngineError.conflict("You are no longer in this group.") }
        guard current.group.pendingProposalCount > 0 else { return current }
        await commitPendingNow(groupID)
        guard let updated = groupRuntimes[groupID], updated.active else {
            throw EngineError.conflict("You are no longer in this group.")
        }
        guard updated.group.pendingProposalCount == 0 else {
            throw EngineError.unreachable("The group has a change to apply first.")
        }
        return updated
    }
}

extension Dictionary where Key == UInt32, Value == String {
    /// The values in leaf order.
    var sortedValues: [String] { keys.sorted().compactMap { self[$0] } }
}

/// A group member with what we know of them.
public struct GroupMemberDetail: Sendable, Equatable {
    public var did: String
    public var username: String?
    public var nickname: String?
    public var isSelf: Bool
}

extension Engine {
    /// The group's members with their contact names, ours first.
    public func groupMemberDetails(_ groupID: String) throws(EngineError) -> [GroupMemberDetail] {
        let dids = try groupMembers(groupID)
        let me = try readyIdentity()
        let store = try readyStore()
        return dids.map { did in
            if did == me.did { return GroupMemberDetail(did: did, username: me.username, nickname: nil, isSelf: true) }
            let contact: StoredContact? = (try? store.contact(did: did)) ?? nil
            let record: IdentityRecord? = (try? knownRecord(did)) ?? nil
            return GroupMemberDetail(
                did: did, username: contact?.username ?? record?.username, nickname: contact?.nickname, isSelf: false)
        }.sorted { $0.isSelf && !$1.isSelf }
    }
}

extension Engine {
    /// Typing in a group: one MLS message on the topic, not queued (best effort).
    func sendGroupTyping(_ groupID: String, active: Bool) async throws(EngineError) {
        let current = try runtime(groupID)
        guard current.active, current.group.pendingProposalCount == 0 else { return }
        let now = clock()
        let message = DirectMessage(
            id: Self.messageIDs.next(unixMillis: now).description, sentAtMs: UInt64(now), content: .typing(active: active))
        var group = current.group
        var rng = SystemRandom()
        guard let plaintext = try? DirectMessageCodec.encode(message),
            let bytes = try? group.encrypt(plaintext, using: &rng).tlsSerialized
        else { return }
        groupRuntimes[groupID]?.group = group
        guard let updated = groupRuntimes[groupID] else { return }
        do {
            try readyStore().appendGroupLog(
                groupID, [GroupLogEntry(epoch: group.epoch, hash: Self.sha256(bytes), kind: .message, bytes: bytes)],
                settings: stateSettings(groupID, updated), now: now)
        } catch {
            throw Self.map(error)
        }
        await publish(groupID, bytes)
    }
}
