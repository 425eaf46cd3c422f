/// A domain name as a list of labels (RFC 1035 §3.1), such as `_p2p._udp.local`.
///
/// Labels are raw bytes; equality and hashing ignore ASCII case, as DNS does (RFC 1035
/// §2.3.3). A value always fits the wire limits: labels of 1…63 bytes and at most 255 bytes
/// in wire form.
public struct DNSName: Sendable, Hashable, CustomStringConvertible {
    /// The labels, leftmost first, without the empty root label.
    public let labels: [[UInt8]]

    /// A name from labels.
    ///
    /// - Parameter labels: The labels, leftmost first, each 1…63 bytes.
    /// - Throws: ``DNSError/invalidLabel`` or ``DNSError/nameTooLong``.
    public init(labels: [[UInt8]]) throws(DNSError) {
        for label in labels where label.isEmpty || label.count > DNSLimits.maxLabelLength {
            throw .invalidLabel
        }
        guard Self.wireLength(labels) <= DNSLimits.maxNameLength else { throw .nameTooLong }
        self.labels = labels
    }

    /// A name from dotted text (`"_p2p._udp.local"`; one trailing dot is allowed). No escapes.
    ///
    /// - Parameter text: The name.
    /// - Throws: ``DNSError/invalidLabel`` or ``DNSError/nameTooLong``.
    public init(_ text: String) throws(DNSError) {
        var body = Substring(text)
        if body.hasSuffix(".") { body = body.dropLast() }
        let labels =
            body.isEmpty ? [] : body.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        try self.init(labels: labels)
    }

    /// Labels already checked by the decoder.
    init(validated labels: [[UInt8]]) {
        self.labels = labels
    }

    /// The root name (no labels).
    public static let root = DNSName(validated: [])

    /// This name with `label` put in front (`peer` + `_p2p._udp.local`).
    ///
    /// - Parameter label: The new leftmost label.
    /// - Throws: ``DNSError/invalidLabel`` or ``DNSError/nameTooLong``.
    public func prepending(_ label: [UInt8]) throws(DNSError) -> DNSName {
        try DNSName(labels: [label] + labels)
    }

    /// Length in uncompressed wire form: a length byte per label, the labels, the final zero.
    static func wireLength(_ labels: [[UInt8]]) -> Int {
        labels.reduce(1) { $0 + 1 + $1.count }
    }

    /// Dotted text; bytes outside printable ASCII, dots and backslashes are written `\DDD`.
    public var description: String {
        if labels.isEmpty { return "." }
        return labels.map { label in
            label.map { byte in
                (0x21...0x7E).contains(byte) && byte != 0x2E && byte != 0x5C
                    ? String(UnicodeScalar(byte)) : "\\" + String(byte).leftPadded(to: 3)
            }.joined()
        }.joined(separator: ".")
    }

    /// Case-insensitive (ASCII) equality.
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count
            && zip(lhs.labels, rhs.labels).allSatisfy {
                $0.count == $1.count && zip($0, $1).allSatisfy { lower($0) == lower($1) }
            }
    }

    /// Hashes the ASCII-lowercased labels.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels.count)
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.lower(byte)) }
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
