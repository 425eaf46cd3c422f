import Testing

@testable import LibP2PMDNS

@Suite struct DNSMessageTests {
    /// The discovery query written by hand: id 0, flags 0, one question, PTR, IN.
    static let queryBytes = Wire.header(flags: 0, qd: 1) + Wire.name("_p2p._udp.local") + Wire.u16(12) + Wire.u16(1)

    @Test func decodesHandWrittenQuery() throws {
        let message = try DNSMessage.decode(Self.queryBytes)
        #expect(message.id == 0 && message.flags == 0 && !message.isResponse)
        #expect(message.questions == [DNSQuestion(name: try DNSName("_p2p._udp.local"), type: DNSRecordType.ptr)])
        #expect(message.answers.isEmpty && message.additionals.isEmpty)
        #expect(try message.encode() == Self.queryBytes)
    }

    @Test func decodesCompressedResponse() throws {
        // Header, then the PTR answer at offset 12; its data points at the service name (0xC00C).
        let service = Wire.name("_p2p._udp.local")
        let instanceData: [UInt8] = [4] + Array("peer".utf8) + [0xC0, 0x0C]
        let ptr = Wire.record(service, type: 12, data: instanceData)
        let instanceOffset = UInt16(12 + service.count + 10)
        let txt = Wire.record(
            Wire.u16(0xC000 | instanceOffset), type: 16, rclass: 0x8001, ttl: 120,
            data: Wire.txt(["dnsaddr=/ip4/1.2.3.4/tcp/1"]))
        let a = Wire.record(Wire.u16(0xC000 | instanceOffset), type: 1, data: [10, 0, 0, 1])
        let bytes = Wire.header(flags: 0x8400, an: 1, ar: 2) + ptr + txt + a
        let message = try DNSMessage.decode(bytes)
        let instance = try DNSName("peer._p2p._udp.local")
        #expect(message.isResponse && message.flags & DNSMessage.authoritativeFlag != 0)
        #expect(
            message.answers == [DNSResourceRecord(name: try DNSName("_p2p._udp.local"), ttl: 120, data: .ptr(instance))]
        )
        #expect(message.additionals[0].name == instance && message.additionals[0].cacheFlush)
        #expect(message.additionals[0].data == .txt([Array("dnsaddr=/ip4/1.2.3.4/tcp/1".utf8)]))
        #expect(message.additionals[1].data == .a([10, 0, 0, 1]))
        #expect(try DNSMessage.decode(try message.encode()) == message)
    }

    @Test func roundTripsEveryRecordType() throws {
        let name = try DNSName("x.example.local")
        let message = DNSMessage(
            id: 0x1234, flags: 0x8400,
            questions: [DNSQuestion(name: name, type: DNSRecordType.any, unicastResponse: true)],
            answers: [DNSResourceRecord(name: name, ttl: 1, data: .ptr(try DNSName("y.local")))],
            authorities: [
                DNSResourceRecord(name: name, ttl: 2, data: .srv(priority: 1, weight: 2, port: 4001, target: name))
            ],
            additionals: [
                DNSResourceRecord(
                    name: name, ttl: 3, data: .txt([[], Array(repeating: 0x41, count: 255)]), cacheFlush: true),
                DNSResourceRecord(name: name, ttl: 4, data: .a([1, 2, 3, 4])),
                DNSResourceRecord(name: name, ttl: 5, data: .aaaa(Array(repeating: 9, count: 16))),
                DNSResourceRecord(name: name, ttl: 6, data: .other(type: 47, bytes: [1, 2, 3])),
                DNSResourceRecord(name: .root, ttl: 7, data: .txt([])),
            ]
        )
        #expect(try DNSMessage.decode(try message.encode()) == message)
    }

    @Test func namesCompareWithoutCase() throws {
        #expect(try DNSName("_P2P._UDP.Local.") == DNSName("_p2p._udp.local"))
        #expect(Set([try DNSName("A.b"), try DNSName("a.B")]).count == 1)
        #expect(throws: DNSError.invalidLabel) { try DNSName("a..b") }
        #expect(throws: DNSError.invalidLabel) { try DNSName(String(repeating: "x", count: 64)) }
        #expect(throws: DNSError.nameTooLong) {
            try DNSName(Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: "."))
        }
    }

    @Test func refusesForwardSelfAndOutOfRangePointers() {
        let tail = Wire.u16(12) + Wire.u16(1)
        // Points at itself (offset 12).
        #expect(throws: DNSError.invalidPointer) {
            try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + [0xC0, 12] + tail)
        }
        // Points forward, past the end.
        #expect(throws: DNSError.invalidPointer) {
            try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + [0xC3, 0xFF] + tail)
        }
        // A two-pointer loop: the second question's name points at the first, which points at the second.
        let loop = Wire.header(flags: 0, qd: 2) + [0xC0, 18] + tail + [0xC0, 12] + tail
        #expect(throws: DNSError.invalidPointer) { try DNSMessage.decode(loop) }
        // A pointer cut in half.
        #expect(throws: DNSError.truncated) { try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + [0xC0]) }
    }

    @Test func limitsPointerChains() throws {
        // Name "a" at 12, then a chain of pointers each pointing at the previous one.
        var bytes = Wire.header(flags: 0, qd: 18) + [1, 0x61, 0] + Wire.u16(1) + Wire.u16(1)
        var previous = 12
        for _ in 0..<17 {
            let here = bytes.count
            bytes += [0xC0, UInt8(previous)] + Wire.u16(1) + Wire.u16(1)
            previous = here
        }
        #expect(throws: DNSError.invalidPointer) { try DNSMessage.decode(bytes) }
        bytes[5] = 17  // without the last question, the longest chain is 16 jumps
        #expect(try DNSMessage.decode(bytes).questions.last?.name == DNSName("a"))
    }

    @Test func refusesBadLabelsAndLongNames() {
        let tail = Wire.u16(12) + Wire.u16(1)
        #expect(throws: DNSError.invalidLabel) {
            try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + [0x40, 0] + tail)
        }
        #expect(throws: DNSError.invalidLabel) {
            try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + [0x80, 0] + tail)
        }
        let label: [UInt8] = [63] + Array(repeating: 0x78, count: 63)
        let long: [UInt8] = Array(Array(repeating: label, count: 4).joined()) + [0]
        #expect(throws: DNSError.nameTooLong) { try DNSMessage.decode(Wire.header(flags: 0, qd: 1) + long + tail) }
        // Compression cannot be used to grow a name past 255 bytes either.
        let half: [UInt8] = Array(Array(repeating: label, count: 2).joined())
        let grown = Wire.header(flags: 0, qd: 2) + half + [0] + tail + half + [0xC0, 12] + tail
        #expect(throws: DNSError.nameTooLong) { try DNSMessage.decode(grown) }
    }

    @Test func refusesTruncatedInputAtEveryLength() throws {
        let full = try MDNSService.fixtureResponse()
        _ = try DNSMessage.decode(full)
        for length in 0..<full.count {
            #expect(throws: DNSError.self) { try DNSMessage.decode(Array(full.prefix(length))) }
        }
    }

    @Test func refusesOversizedCountsAndMessages() {
        #expect(throws: DNSError.tooManyRecords(count: 65, limit: 64)) {
            try DNSMessage.decode(Wire.header(flags: 0, qd: 65))
        }
        #expect(throws: DNSError.tooManyRecords(count: 0xFFFF, limit: 64)) {
            try DNSMessage.decode(Wire.header(flags: 0x8400, ar: 0xFFFF))
        }
        #expect(throws: DNSError.messageTooLarge(size: 9001, limit: 9000)) {
            try DNSMessage.decode(Wire.header(flags: 0) + Array(repeating: 0, count: 9001 - 12))
        }
        #expect(throws: DNSError.truncated) { try DNSMessage.decode(Wire.header(flags: 0x8400, an: 64)) }
        let tooMany = DNSMessage(questions: Array(repeating: DNSQuestion(name: .root, type: 1), count: 65))
        #expect(throws: DNSError.tooManyRecords(count: 65, limit: 64)) { try tooMany.encode() }
    }

    @Test func refusesMalformedRecordData() {
        let owner = Wire.name("x")
        func one(_ record: [UInt8]) throws -> DNSMessage {
            try DNSMessage.decode(Wire.header(flags: 0x8400, an: 1) + record)
        }
        #expect(throws: DNSError.invalidRecordData(type: 1)) { try one(Wire.record(owner, type: 1, data: [1, 2, 3])) }
        #expect(throws: DNSError.invalidRecordData(type: 28)) {
            try one(Wire.record(owner, type: 28, data: [1, 2, 3, 4]))
        }
        #expect(throws: DNSError.invalidRecordData(type: 16)) {
            try one(Wire.record(owner, type: 16, data: [5, 0x61]))
        }
        #expect(throws: DNSError.invalidRecordData(type: 12)) {
            try one(Wire.record(owner, type: 12, data: Wire.name("a") + [0]))
        }
        #expect(throws: DNSError.invalidRecordData(type: 33)) {
            try one(Wire.record(owner, type: 33, data: [0, 1, 0]))
        }
        // RDLENGTH past the end of the message.
        #expect(throws: DNSError.truncated) {
            try one(owner + Wire.u16(16) + Wire.u16(1) + Wire.u32(1) + Wire.u16(10) + [1, 0x61])
        }
        let overlong = DNSMessage(answers: [
            DNSResourceRecord(name: .root, ttl: 0, data: .txt([Array(repeating: 0, count: 256)]))
        ])
        #expect(throws: DNSError.fieldTooLong) { try overlong.encode() }
        let badA = DNSMessage(answers: [DNSResourceRecord(name: .root, ttl: 0, data: .a([1]))])
        #expect(throws: DNSError.invalidRecordData(type: 1)) { try badA.encode() }
    }

    @Test func toleratesTrailingBytesAndUnknownTypes() throws {
        let record = Wire.record(Wire.name("x"), type: 99, data: [0xC0, 0xFF])
        let message = try DNSMessage.decode(Wire.header(flags: 0x8400, an: 1) + record + [0xDE, 0xAD])
        #expect(message.answers.first?.data == .other(type: 99, bytes: [0xC0, 0xFF]))
    }
}
