/// Text forms of IP addresses for multiaddr `ip4`/`ip6` values, without Foundation or libc.
///
/// IPv4 is four dotted decimal numbers without leading zeros (`010` is refused as
/// ambiguous, as Go does). IPv6 parsing accepts RFC 4291 text (`::` compression, a trailing
/// dotted IPv4 part) but no zone; formatting follows RFC 5952 (lowercase, longest run of
/// two or more zero groups compressed, leftmost on a tie) and writes IPv4-mapped addresses
/// as `::ffff:a.b.c.d`.
enum IPAddressText {
    /// The 4 bytes of a dotted-decimal IPv4 address, or nil.
    static func parseIPv4(_ text: some Collection<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.first != UInt8(ascii: "0") || part.count == 1 else { return nil }
            var value = 0
            for digit in part {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
                value = value * 10 + Int(digit - UInt8(ascii: "0"))
            }
            guard value <= 255 else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    /// Dotted decimal text of 4 bytes.
    static func formatIPv4(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { String($0) }.joined(separator: ".")
    }

    /// The 16 bytes of an IPv6 text address, or nil.
    static func parseIPv6(_ text: some Collection<UInt8>) -> [UInt8]? {
        let characters = Array(text)
        guard (2...45).contains(characters.count) else { return nil }
        let colon = UInt8(ascii: ":")
        // Find the single "::", if any.
        var gap: Int?
        var index = 0
        while index + 1 < characters.count {
            if characters[index] == colon && characters[index + 1] == colon {
                guard gap == nil else { return nil }
                gap = index
                index += 2
            } else {
                index += 1
            }
        }
        if let gap {
            let head = characters[..<gap]
            let tail = characters[(gap + 2)...]
            guard let headGroups = groups(head, allowIPv4: false),
                  let tailGroups = groups(tail, allowIPv4: true),
                  headGroups.count + tailGroups.count <= 7
            else { return nil }
            let zeros = [UInt16](repeating: 0, count: 8 - headGroups.count - tailGroups.count)
            return bytes(of: headGroups + zeros + tailGroups)
        }
        guard let all = groups(characters[...], allowIPv4: true), all.count == 8 else { return nil }
        return bytes(of: all)
    }

    /// RFC 5952 text of 16 bytes.
    static func formatIPv6(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 16)
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "::ffff:" + formatIPv4(bytes[12...])
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        // Longest run of at least two zero groups, leftmost on a tie.
        var bestStart = -1
        var bestLength = 1
        var runStart = 0
        for index in 0...8 {
            if index < 8 && groups[index] == 0 { continue }
            let runLength = index - runStart
            if runLength > bestLength {
                bestStart = runStart
                bestLength = runLength
            }
            runStart = index + 1
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Colon-separated hex groups (1–4 digits each), the last possibly dotted IPv4 (two groups).
    private static func groups(_ text: ArraySlice<UInt8>, allowIPv4: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (position, part) in parts.enumerated() {
            if allowIPv4 && position == parts.count - 1 && part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }
                result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var value: UInt16 = 0
            for digit in part {
                guard let nibble = hexValue(digit) else { return nil }
                value = value << 4 | UInt16(nibble)
            }
            result.append(value)
        }
        return result
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func bytes(of groups: [UInt16]) -> [UInt8] {
        groups.flatMap { [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)] }
    }
}
