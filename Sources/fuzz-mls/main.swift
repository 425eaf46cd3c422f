#if canImport(Glibc)
    import Glibc
#endif
import VarianceMLS

// libFuzzer entry point for every MLS decoder of outside bytes (make fuzz). The first byte
// picks what the rest is:
//
//   0  MLSMessage: round trip, then by wire format: a KeyPackage is verified, a GroupInfo
//      is used to join by external commit, a Welcome is opened with Carol's key package,
//      Public and PrivateMessages are processed by Bob, a member of a fixed two-member group
//   1  RatchetTree: round trip, tree hashes, parent hashes, full validation
//   2  GroupSecrets      3  Proposal      4  Commit
//   5  KeyPackageBundle (serialized, with private keys)
//   6  Group state (serializedState), round trip
//
// The group, its members and every key come from a fixed seed, so the same input always
// takes the same path. Malformed input only throws MLSError; a trap is a bug, and so is a
// decoded value that does not re-encode to the bytes it came from.
//
// FUZZ_MLS_WRITE_SEEDS=DIR .build-fuzz/debug/fuzz-mls writes inputs that are valid for the
// fixed group (an application message, proposals, commits, a Welcome, a GroupInfo, an
// external commit, the tree, the state) into DIR and exits: Tests/FuzzCorpus/mls/ holds them.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMLS(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    MLSFuzzing.run(selector: data[0] % 7, body)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzMLSInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    if let directory = getenv("FUZZ_MLS_WRITE_SEEDS") {
        MLSFuzzing.writeSeeds(to: String(cString: directory))
        exit(0)
    }
    _ = MLSFuzzing.fixture  // built once, before the clock starts
    return 0
}

/// A deterministic generator (SplitMix64), so every input replays the same way.
struct FuzzGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fixed group (Alice at leaf 0, Bob at leaf 1, epoch 1) and the inputs valid for it.
struct MLSFixture: Sendable {
    static let suite = CipherSuite.mls128X25519
    static let now: UInt64 = 1_800_000_000

    /// Bob in epoch 1: processes every Public and PrivateMessage.
    let bob: Group
    /// Invited by the seed Welcome; opens every Welcome.
    let carol: KeyPackageBundle
    /// An outsider's signature key, for joins by external commit.
    let outsiderKey: SignaturePrivateKey
    /// Named inputs (selector byte included) that take the deep paths.
    let seeds: [(name: String, bytes: [UInt8])]

    init() throws {
        let suite = Self.suite
        let now = Self.now
        var rng = FuzzGenerator(state: 0x5641_5249_414E_4345)  // "VARIANCE"
        let lifetime = Lifetime(notBefore: now - 3600, notAfter: now + 86_400)
        func bundle(_ name: String) throws -> KeyPackageBundle {
            try KeyPackageBundle.generate(
                suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
                lifetime: lifetime, using: &rng)
        }
        var alice = try Group.create(
            suite: suite, groupID: Array("variance-fuzz-group".utf8), credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, using: &rng)
        let bobBundle = try bundle("bob")
        let carol = try bundle("carol")
        let dave = try bundle("dave")
        outsiderKey = .generate(using: &rng)
        let added = try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        alice = added.group
        guard let welcomeMessage = added.welcome, case .welcome(let welcome) = welcomeMessage.body else {
            throw MLSError(.invalid, "fixture: no welcome")
        }
        bob = try Group.join(welcome: welcome, bundle: bobBundle, suite: suite)
        self.carol = carol

        var seeds: [(String, [UInt8])] = []
        func message(_ name: String, _ value: MLSMessage) { seeds.append((name, [0] + value.tlsSerialized)) }
        var sender = alice
        message("application", try sender.encrypt(Array("hello bob".utf8), authenticatedData: [1], using: &rng))
        sender = alice
        message("proposal-add-public", try sender.propose(.add(Add(keyPackage: dave.keyPackage.value)), wireFormat: .publicMessage, now: now, using: &rng))
        sender = alice
        message("proposal-remove-private", try sender.propose(.remove(Remove(removed: 1)), now: now, using: &rng))
        sender = alice
        message("proposal-update-public", try sender.proposeUpdate(wireFormat: .publicMessage, using: &rng))
        message("request-to-join", try Group.requestToJoin(groupContext: alice.context, bundle: dave, suite: suite))
        sender = alice
        let commit = try sender.commit(adding: [carol.keyPackage.value], wireFormat: .publicMessage, now: now, using: &rng)
        message("commit-add-public", commit.message)
        if let welcome = commit.welcome { message("welcome", welcome) }
        sender = alice
        message("commit-empty-private", try sender.commit(now: now, using: &rng).message)
        sender = alice
        message("commit-remove-bob-private", try sender.commit(removing: [1], now: now, using: &rng).message)
        let groupInfo = try alice.groupInfo()
        message("group-info", groupInfo)
        if case .groupInfo(let info) = groupInfo.body {
            let joined = try Group.joinByExternalCommit(
                groupInfo: info, credential: .basic(identity: Array("erin".utf8)), signatureKey: outsiderKey,
                suite: suite, using: &rng)
            message("external-commit", joined.message)
        }
        message("key-package", MLSMessage(.keyPackage(dave.keyPackage.value)))
        seeds.append(("ratchet-tree", [1] + bob.tree.tlsSerialized))
        seeds.append(("bundle", [5] + carol.serialized()))
        seeds.append(("group-state", [6] + bob.serializedState()))
        self.seeds = seeds
    }
}

enum MLSFuzzing {
    static let fixture: MLSFixture = {
        do { return try MLSFixture() } catch { fatalError("fuzz-mls fixture: \(error)") }
    }()

    /// Decodes `bytes` as a whole `T` and checks it encodes back to the same bytes.
    static func decode<T: TLSCodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        guard let value = try? T(tlsSerialized: bytes) else { return nil }
        precondition(value.tlsSerialized == bytes, "\(T.self) does not re-encode to its input")
        return value
    }

    static func run(selector: UInt8, _ bytes: [UInt8]) {
        let suite = MLSFixture.suite
        let now = MLSFixture.now
        var rng = FuzzGenerator(state: UInt64(bytes.count))
        switch selector {
        case 0:
            guard let message = decode(MLSMessage.self, bytes) else { return }
            switch message.body {
            case .keyPackage(let keyPackage):
                _ = try? KeyPackage(verifying: keyPackage, suite: suite, now: now)
                _ = keyPackage.reference(suite: suite)
            case .groupInfo(let info):
                _ = try? Group.joinByExternalCommit(
                    groupInfo: info, credential: .basic(identity: Array("erin".utf8)),
                    signatureKey: fixture.outsiderKey, suite: suite, using: &rng)
            case .welcome(let welcome):
                _ = try? Group.join(welcome: welcome, bundle: fixture.carol, suite: suite)
            case .publicMessage, .privateMessage:
                if let (_, next) = try? fixture.bob.processed(message, now: now) {
                    precondition(next.epoch >= fixture.bob.epoch, "epoch went backwards")
                }
            }
        case 1:
            guard let tree = decode(RatchetTree.self, bytes) else { return }
            _ = tree.allTreeHashes(suite: suite)
            _ = tree.verifyParentHashes(suite: suite)
            _ = try? tree.validate(suite: suite, groupID: Array("variance-fuzz-group".utf8))
            for leaf in tree.occupiedLeaves.prefix(4) { _ = tree.filteredDirectPath(leaf) }
        case 2:
            _ = decode(GroupSecrets.self, bytes)
        case 3:
            _ = decode(Proposal.self, bytes)
        case 4:
            _ = decode(Commit.self, bytes)
        case 5:
            _ = try? KeyPackageBundle(serialized: bytes)
        default:
            if let group = try? Group(serializedState: bytes) {
                precondition(
                    (try? Group(serializedState: group.serializedState()))?.serializedState() == group.serializedState(),
                    "group state does not round trip")
            }
        }
    }

    /// What the fixture makes of a seed: a seed that fails here only reaches shallow code.
    static func check(_ seed: [UInt8]) -> String {
        let suite = MLSFixture.suite
        var rng = FuzzGenerator(state: 1)
        do {
            switch seed.first {
            case 0:
                let message = try MLSMessage(tlsSerialized: Array(seed.dropFirst()))
                switch message.body {
                case .welcome(let welcome):
                    return "joins at epoch \(try Group.join(welcome: welcome, bundle: fixture.carol, suite: suite).epoch)"
                case .groupInfo(let info):
                    _ = try Group.joinByExternalCommit(
                        groupInfo: info, credential: .basic(identity: Array("erin".utf8)),
                        signatureKey: fixture.outsiderKey, suite: suite, using: &rng)
                    return "external join ok"
                case .keyPackage(let keyPackage):
                    _ = try KeyPackage(verifying: keyPackage, suite: suite, now: MLSFixture.now)
                    return "verifies"
                case .publicMessage, .privateMessage:
                    let received = "\(try fixture.bob.processed(message, now: MLSFixture.now).0)"
                    return "Bob: " + received.prefix(while: { $0 != "(" })
                }
            case 1:
                try RatchetTree(tlsSerialized: Array(seed.dropFirst()))
                    .validate(suite: suite, groupID: Array("variance-fuzz-group".utf8))
                return "valid tree"
            default:
                return "decodes"
            }
        } catch {
            return "\(error)"
        }
    }

    static func writeSeeds(to directory: String) {
        for (name, bytes) in fixture.seeds {
            guard let file = fopen(directory + "/" + name, "wb") else { fatalError("cannot write \(directory)/\(name)") }
            _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            report("\(name): \(check(bytes))")
        }
        report("wrote \(fixture.seeds.count) seeds to \(directory)")
    }

    /// A line on standard error (standard output is libFuzzer's).
    static func report(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
    }
}
