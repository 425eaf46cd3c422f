import Foundation
import Testing
import VarianceRPC

/// Crash consistency of the store: one of two engines, chosen at random, SIGKILLed while it
/// receives one burst and sends another, 50 times, at a different moment each time. After every kill the
/// database passes `PRAGMA integrity_check` (opened read-only by the test, before the
/// engine restarts), and the restarted engine serves `messages.list`, `events.replay` and
/// `conversations.list`. At the end every message either side accepted (its
/// `messages.send` was answered) is in the receiver's store exactly once.
/// `CRASH_TEST_ROUNDS` sets another number of kills: `make sanitize-address` runs it against
/// the AddressSanitizer engines with fewer (`ASAN_CRASH_ROUNDS`); the plain run keeps 50.
@Suite(.serialized) struct CrashTests {
    static let rounds = ProcessInfo.processInfo.environment["CRASH_TEST_ROUNDS"].flatMap { Int($0) }.map { max($0, 1) } ?? 50

    @Test func anEngineKilledMidBurstRestartsOnAnIntactStore() async throws {
        let lost = try await runOffThePool { () throws -> String? in
            let (firstAlice, firstBob) = try Pair.connected()
            var alice = firstAlice
            var bob = firstBob
            defer { alice.stop(); bob.stop() }
            var generator = SystemRandomNumberGenerator()
            var acceptedFromAlice: [String] = []
            var acceptedFromBob: [String] = []
            // Everything each frontend asked to send, answered or not: a send whose reply the
            // kill cut off may have been stored, and then it is delivered after the restart.
            var sentByAlice: Set<String> = []
            var sentByBob: Set<String> = []
            let rounds = Self.rounds
            let burst = 60
            for round in 0..<rounds {
                let aliceTexts = (0..<burst).map { "r\(round) a\($0)" }
                let bobTexts = (0..<burst).map { "r\(round) b\($0)" }
                sentByAlice.formUnion(aliceTexts)
                sentByBob.formUnion(bobTexts)
                let aliceIDs = alice.pipelineSends(to: bob.did, texts: aliceTexts)
                let bobIDs = bob.pipelineSends(to: alice.did, texts: bobTexts)
                // Kill one of them, chosen at random, somewhere inside the burst it receives
                // (and the one it sends).
                let killBob = Bool.random(using: &generator)
                var victim = killBob ? bob : alice
                let other = killBob ? alice : bob
                let (victimIDs, victimTexts) = killBob ? (bobIDs, bobTexts) : (aliceIDs, aliceTexts)
                let (otherIDs, otherTexts) = killBob ? (aliceIDs, aliceTexts) : (bobIDs, bobTexts)
                let killAt = Int.random(in: 1...(burst / 2), using: &generator)
                try victim.waitUntil("\(killAt) messages of round \(round)") { peer in
                    peer.received(from: other.did).filter { $0.hasPrefix("r\(round) ") }.count >= killAt
                }
                usleep(UInt32.random(in: 0...20_000, using: &generator))  // between or inside batches
                victim.kill()
                victim.readToEnd()  // every reply the process wrote before it died
                let acceptedFromVictim = victimIDs.indices.filter { victim.replies[victimIDs[$0]]?["result"] != nil }
                    .map { victimTexts[$0] }

                let database = victim.directory.appendingPathComponent("variance.sqlite").path
                #expect(try SQLiteProbe.integrityCheck(database) == "ok", "round \(round): the store is damaged")
                if round == 0 { try expectProbeSeesDamage(copying: database) }

                victim = try victim.restart(expectingExit: false)
                try expectServes(victim, conversation: other.did)
                try other.waitForReplies(otherIDs)
                let acceptedFromOther = otherIDs.indices.filter { other.replies[otherIDs[$0]]?["result"] != nil }
                    .map { otherTexts[$0] }
                if killBob {
                    bob = victim
                    acceptedFromBob += acceptedFromVictim
                    acceptedFromAlice += acceptedFromOther
                } else {
                    alice = victim
                    acceptedFromAlice += acceptedFromVictim
                    acceptedFromBob += acceptedFromOther
                }
            }

            // Everything accepted arrives exactly once (bob's unanswered sends may or may not).
            var inBobsStore: [String] = []
            let deadline = Date().addingTimeInterval(60)
            repeat {
                inBobsStore = try storedTexts(bob, conversation: alice.did, from: alice.did)
                if Set(inBobsStore).isSuperset(of: acceptedFromAlice) || Date() > deadline { break }
                Thread.sleep(forTimeInterval: 0.5)
            } while true
            #expect(inBobsStore.count == Set(inBobsStore).count, "a message was stored twice")
            let missing = Set(acceptedFromAlice).subtracting(inBobsStore)
            var lost: String?
            if !missing.isEmpty {
                // Their status at alice: "sent" means bob's node acknowledged them (and lost them).
                var statuses: [String: Int] = [:]
                var after: String?
                repeat {
                    var params: JSONObject = ["conversation": .string(bob.did), "limit": .int(500)]
                    if let after { params["before"] = .string(after) }
                    let page = try alice.call("messages.list", params)
                    for message in page["messages"]?.arrayValue ?? [] where missing.contains(message["text"]?.stringValue ?? "") {
                        statuses[message["status"]?.stringValue ?? "?", default: 0] += 1
                    }
                    after = page["before"]?.stringValue
                } while after != nil
                lost = "\(missing.count) accepted messages never reached bob's store, e.g. \(missing.sorted().prefix(10)); their status at alice: \(statuses)"
            }
            #expect(Set(inBobsStore).isSubset(of: sentByAlice), "bob stored a text alice never sent")
            // alice may have restarted too: look in her store, not at notifications.
            var atAlice: [String] = []
            let aliceDeadline = Date().addingTimeInterval(120)
            repeat {
                atAlice = try storedTexts(alice, conversation: bob.did, from: bob.did)
                if Set(atAlice).isSuperset(of: acceptedFromBob) || Date() > aliceDeadline { break }
                try? alice.waitUntil("more messages", timeout: 0.5) { _ in false }
            } while true
            #expect(atAlice.count == Set(atAlice).count, "a message from bob was stored twice")
            #expect(Set(atAlice).isSuperset(of: acceptedFromBob))
            #expect(Set(atAlice).isSubset(of: sentByBob), "alice stored a text bob never sent")
            try expectServes(bob, conversation: alice.did)
            return lost
        }
        // (The receiver writes its Olm state, whose dedupe window holds the batch's ids, in
        // the same transaction as the texts; before that fix this lost messages 2 runs in 15.)
        #expect(lost == nil, "\(lost ?? "")")
    }
}

/// The probe itself: a copy of the database with every page but the first overwritten
/// must not pass, or a passing check would prove nothing.
private func expectProbeSeesDamage(copying database: String) throws {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("variance-damaged-\(UUID().uuidString).sqlite")
    defer { try? FileManager.default.removeItem(at: copy) }
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: database)))
    guard bytes.count > 4096 else { return }  // everything still in the WAL: nothing to damage
    for index in 4096..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
    try Data(bytes).write(to: copy)
    #expect((try? SQLiteProbe.integrityCheck(copy.path)) != "ok", "integrity_check passed a damaged file")
}

/// The restarted engine answers the read methods over its whole store.
private func expectServes(_ peer: Peer, conversation: String) throws {
    _ = try storedTexts(peer, conversation: conversation, from: nil)
    var after: Int64 = 0
    while true {
        let page = try peer.call("events.replay", ["after": .int(after), "limit": .int(1000)])
        guard let events = page["events"]?.arrayValue, let last = events.last?["seq"]?.intValue else { break }
        after = last
    }
    let conversations = try peer.call("conversations.list")
    #expect(conversations["conversations"]?.arrayValue?.isEmpty == false)
}

/// Every text in `conversation` (from `sender`, or from anyone), through `messages.list` pages.
private func storedTexts(_ peer: Peer, conversation: String, from sender: String?) throws -> [String] {
    var texts: [String] = []
    var before: String?
    repeat {
        var params: JSONObject = ["conversation": .string(conversation), "limit": .int(500)]
        if let before { params["before"] = .string(before) }
        let page = try peer.call("messages.list", params)
        for message in page["messages"]?.arrayValue ?? [] where sender == nil || message["from"]?.stringValue == sender {
            texts.append(message["text"]?.stringValue ?? "")
        }
        before = page["before"]?.stringValue
    } while before != nil
    return texts
}

/// SQLite through the system library, loaded at run time (the test target links no SQLite).
enum SQLiteProbe {
    private typealias Open = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<OpaquePointer?>, Int32, UnsafePointer<CChar>?) -> Int32
    private typealias Prepare = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, Int32, UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    private typealias Step = @convention(c) (OpaquePointer?) -> Int32
    private typealias ColumnText = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<UInt8>?
    private typealias Close = @convention(c) (OpaquePointer?) -> Int32
    private typealias ErrorMessage = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?

    private static let readOnly: Int32 = 0x0000_0001

    /// `PRAGMA integrity_check` on a read-only connection: "ok", or SQLite's findings.
    static func integrityCheck(_ path: String) throws -> String {
        guard let library = dlopen("libsqlite3.so.0", RTLD_NOW) else {
            throw DeliveryTestError(description: "cannot load libsqlite3.so.0")
        }
        defer { dlclose(library) }
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let pointer = dlsym(library, name) else { throw DeliveryTestError(description: "no \(name) in SQLite") }
            return unsafeBitCast(pointer, to: type)
        }
        let open = try symbol("sqlite3_open_v2", Open.self)
        let prepare = try symbol("sqlite3_prepare_v2", Prepare.self)
        let step = try symbol("sqlite3_step", Step.self)
        let columnText = try symbol("sqlite3_column_text", ColumnText.self)
        let finalize = try symbol("sqlite3_finalize", Close.self)
        let close = try symbol("sqlite3_close", Close.self)
        let errorMessage = try symbol("sqlite3_errmsg", ErrorMessage.self)

        var db: OpaquePointer?
        guard open(path, &db, readOnly, nil) == 0 else {
            defer { _ = close(db) }
            throw DeliveryTestError(description: "cannot open \(path): \(errorMessage(db).map { String(cString: $0) } ?? "?")")
        }
        defer { _ = close(db) }
        var statement: OpaquePointer?
        guard prepare(db, "PRAGMA integrity_check", -1, &statement, nil) == 0 else {
            throw DeliveryTestError(description: "integrity_check: \(errorMessage(db).map { String(cString: $0) } ?? "?")")
        }
        defer { _ = finalize(statement) }
        var rows: [String] = []
        while step(statement) == 100 {  // SQLITE_ROW
            rows.append(columnText(statement, 0).map { String(cString: $0) } ?? "")
        }
        guard !rows.isEmpty else {
            throw DeliveryTestError(description: "integrity_check: \(errorMessage(db).map { String(cString: $0) } ?? "no rows")")
        }
        return rows.joined(separator: "\n")
    }
}
