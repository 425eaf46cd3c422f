/// `Credential` (RFC 9420 §5.3). Only the two standard types can be decoded, because the
/// wire format gives other types no length prefix.
public enum Credential: TLSCodable, Hashable {
    /// `basic`: an application-defined identity.
    case basic(identity: [UInt8])
    /// `x509`: a certificate chain, leaf first.
    case x509(certificates: [[UInt8]])

    /// The credential type value.
    public var credentialType: UInt16 {
        switch self {
        case .basic: 1
        case .x509: 2
        }
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(credentialType)
        switch self {
        case .basic(let identity):
            writer.writeOpaque(identity)
        case .x509(let certificates):
            writer.writeVector(certificates.map(OpaqueBytes.init))
        }
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt16() {
        case 1: self = .basic(identity: try reader.readOpaque())
        case 2: self = .x509(certificates: try reader.readVector(of: OpaqueBytes.self).map(\.bytes))
        default: throw MLSError.malformed("unknown credential type")
        }
    }
}
