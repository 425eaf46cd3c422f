extension DNSMessage {
    /// Encodes the message. Names are written uncompressed (simpler, and always valid; the
    /// discovery responses stay far below the size limit).
    ///
    /// - Returns: The wire bytes.
    /// - Throws: ``DNSError/fieldTooLong`` for a TXT string over 255 bytes or record data
    ///   over 65535 bytes, ``DNSError/tooManyRecords(count:limit:)`` for a section over
    ///   ``DNSLimits/maxRecordsPerSection``, ``DNSError/invalidRecordData(type:)`` for an
    ///   `A`/`AAAA` of the wrong length, ``DNSError/messageTooLarge(size:limit:)``.
    public func encode() throws(DNSError) -> [UInt8] {
        var out: [UInt8] = []
        out.appendU16(id)
        out.appendU16(flags)
        for section in [questions.count, answers.count, authorities.count, additionals.count] {
            guard section <= DNSLimits.maxRecordsPerSection else {
                throw .tooManyRecords(count: section, limit: DNSLimits.maxRecordsPerSection)
            }
            out.appendU16(UInt16(section))
        }
        for question in questions {
            out.appendName(question.name)
            out.appendU16(question.type)
            out.appendU16(question.recordClass | (question.unicastResponse ? 0x8000 : 0))
        }
        for record in answers + authorities + additionals {
            try out.appendRecord(record)
        }
        guard out.count <= DNSLimits.maxMessageSize else {
            throw .messageTooLarge(size: out.count, limit: DNSLimits.maxMessageSize)
        }
        return out
    }
}

extension [UInt8] {
    fileprivate mutating func appendU16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    fileprivate mutating func appendName(_ name: DNSName) {
        for label in name.labels {
            append(UInt8(label.count))
            append(contentsOf: label)
        }
        append(0)
    }

    fileprivate mutating func appendRecord(_ record: DNSResourceRecord) throws(DNSError) {
        appendName(record.name)
        appendU16(record.data.type)
        appendU16(record.recordClass | (record.cacheFlush ? 0x8000 : 0))
        appendU16(UInt16(record.ttl >> 16))
        appendU16(UInt16(record.ttl & 0xFFFF))
        var data: [UInt8] = []
        switch record.data {
        case .a(let bytes) where bytes.count == 4, .aaaa(let bytes) where bytes.count == 16: data = bytes
        case .a, .aaaa: throw .invalidRecordData(type: record.data.type)
        case .ptr(let target): data.appendName(target)
        case .srv(let priority, let weight, let port, let target):
            data.appendU16(priority)
            data.appendU16(weight)
            data.appendU16(port)
            data.appendName(target)
        case .txt(let strings):
            for string in strings {
                guard string.count <= DNSLimits.maxTXTStringLength else { throw .fieldTooLong }
                data.append(UInt8(string.count))
                data.append(contentsOf: string)
            }
        case .other(_, let bytes): data = bytes
        }
        guard data.count <= Int(UInt16.max) else { throw .fieldTooLong }
        appendU16(UInt16(data.count))
        append(contentsOf: data)
    }
}
