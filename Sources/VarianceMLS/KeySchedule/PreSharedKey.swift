/// `PreSharedKeyID` (RFC 9420 §8.4).
public struct PreSharedKeyID: TLSCodable, Hashable {
    /// What the PSK is and where it comes from.
    public enum Kind: Hashable, Sendable {
        /// An externally provisioned PSK, named by `id`.
        case external(id: [UInt8])
        /// A resumption PSK from epoch `epoch` of group `groupID`, for `usage`
        /// (1 = application, 2 = reinit, 3 = branch).
        case resumption(usage: UInt8, groupID: [UInt8], epoch: UInt64)
    }

    /// The PSK's kind and identity.
    public var kind: Kind
    /// A fresh nonce of length Nh.
    public var nonce: [UInt8]

    /// Creates a PSK identifier.
    public init(kind: Kind, nonce: [UInt8]) {
        self.kind = kind
        self.nonce = nonce
    }

    public func encode(to writer: inout TLSWriter) {
        switch kind {
        case .external(let id):
            writer.write(UInt8(1))
            writer.writeOpaque(id)
        case .resumption(let usage, let groupID, let epoch):
            writer.write(UInt8(2))
            writer.write(usage)
            writer.writeOpaque(groupID)
            writer.write(epoch)
        }
        writer.writeOpaque(nonce)
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt8() {
        case 1:
            kind = .external(id: try reader.readOpaque())
        case 2:
            let usage = try reader.readUInt8()
            guard (1...3).contains(usage) else { throw MLSError.malformed("unknown resumption PSK usage") }
            kind = .resumption(usage: usage, groupID: try reader.readOpaque(), epoch: try reader.readUInt64())
        default:
            throw MLSError.malformed("unknown PSK type")
        }
        nonce = try reader.readOpaque()
    }
}

extension CipherSuite {
    /// The `psk_secret` chained over `psks` in order (RFC 9420 §8.4); all-zero for none.
    public func pskSecret(_ psks: [(id: PreSharedKeyID, psk: [UInt8])]) -> [UInt8] {
        let zero = [UInt8](repeating: 0, count: hashLength)
        var secret = zero
        for (index, entry) in psks.enumerated() {
            let extracted = extract(salt: zero, ikm: entry.psk)
            var label = TLSWriter()
            label.write(entry.id)
            label.write(UInt16(index))
            label.write(UInt16(psks.count))
            let input = expandWithLabel(extracted, label: "derived psk", context: label.bytes, length: hashLength)
            secret = extract(salt: input, ikm: secret)
        }
        return secret
    }
}
