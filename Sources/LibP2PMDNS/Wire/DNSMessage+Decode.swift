extension DNSMessage {
    /// Decodes one message from untrusted bytes. Any input gives a message or a ``DNSError``,
    /// never a trap.
    ///
    /// Refused: input over ``DNSLimits/maxMessageSize``, a short header, a section count over
    /// ``DNSLimits/maxRecordsPerSection``, names that break the label, length or pointer
    /// rules, record data that overruns its length or does not fit its type. Tolerated:
    /// bytes after the last record, unknown record types (kept as ``DNSRecordData/other(type:bytes:)``).
    ///
    /// - Parameter bytes: One UDP payload.
    /// - Returns: The message.
    /// - Throws: ``DNSError``.
    public static func decode(_ bytes: [UInt8]) throws(DNSError) -> DNSMessage {
        guard bytes.count <= DNSLimits.maxMessageSize else {
            throw .messageTooLarge(size: bytes.count, limit: DNSLimits.maxMessageSize)
        }
        var reader = DNSReader(bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        var counts: [Int] = []
        for _ in 0..<4 {
            let count = Int(try reader.u16())
            guard count <= DNSLimits.maxRecordsPerSection else {
                throw .tooManyRecords(count: count, limit: DNSLimits.maxRecordsPerSection)
            }
            counts.append(count)
        }
        var message = DNSMessage(id: id, flags: flags)
        for _ in 0..<counts[0] {
            let name = try reader.name()
            let type = try reader.u16()
            let rawClass = try reader.u16()
            message.questions.append(
                DNSQuestion(name: name, type: type, recordClass: rawClass, unicastResponse: rawClass & 0x8000 != 0)
            )
        }
        for _ in 0..<counts[1] { message.answers.append(try reader.record()) }
        for _ in 0..<counts[2] { message.authorities.append(try reader.record()) }
        for _ in 0..<counts[3] { message.additionals.append(try reader.record()) }
        return message
    }
}

extension DNSReader {
    /// Reads one resource record; its data must end exactly at its RDLENGTH.
    mutating func record() throws(DNSError) -> DNSResourceRecord {
        let owner = try name()
        let type = try u16()
        let rawClass = try u16()
        let ttl = try u32()
        let length = Int(try u16())
        guard length <= remaining else { throw .truncated }
        let end = offset + length
        let data: DNSRecordData
        switch type {
        case DNSRecordType.a where length == 4: data = .a(try take(4))
        case DNSRecordType.aaaa where length == 16: data = .aaaa(try take(16))
        case DNSRecordType.a, DNSRecordType.aaaa: throw .invalidRecordData(type: type)
        case DNSRecordType.ptr: data = .ptr(try name())
        case DNSRecordType.srv:
            guard length >= 7 else { throw .invalidRecordData(type: type) }
            data = .srv(priority: try u16(), weight: try u16(), port: try u16(), target: try name())
        case DNSRecordType.txt:
            var strings: [[UInt8]] = []
            while offset < end {
                let count = Int(try u8())
                guard count <= end - offset else { throw .invalidRecordData(type: type) }
                strings.append(try take(count))
            }
            data = .txt(strings)
        default: data = .other(type: type, bytes: try take(length))
        }
        guard offset == end else { throw .invalidRecordData(type: type) }
        return DNSResourceRecord(
            name: owner, ttl: ttl, data: data, recordClass: rawClass, cacheFlush: rawClass & 0x8000 != 0)
    }
}
