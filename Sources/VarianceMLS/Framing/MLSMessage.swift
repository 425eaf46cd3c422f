/// `MLSMessage` (RFC 9420 §6): the envelope of everything sent on the wire.
public struct MLSMessage: TLSCodable, Hashable {
    /// The envelope's body, selected by wire format.
    public enum Body: Hashable, Sendable {
        /// A PublicMessage.
        case publicMessage(PublicMessage)
        /// A PrivateMessage.
        case privateMessage(PrivateMessage)
        /// A Welcome.
        case welcome(Welcome)
        /// A GroupInfo (not yet verified).
        case groupInfo(UnverifiedGroupInfo)
        /// A KeyPackage (not yet verified).
        case keyPackage(UnverifiedKeyPackage)

        /// The wire format of this body.
        public var wireFormat: WireFormat {
            switch self {
            case .publicMessage: .publicMessage
            case .privateMessage: .privateMessage
            case .welcome: .welcome
            case .groupInfo: .groupInfo
            case .keyPackage: .keyPackage
            }
        }
    }

    /// The body.
    public var body: Body

    /// Wraps `body`.
    public init(_ body: Body) { self.body = body }

    public func encode(to writer: inout TLSWriter) {
        writer.write(UInt16(1))
        writer.write(body.wireFormat.rawValue)
        switch body {
        case .publicMessage(let message): writer.write(message)
        case .privateMessage(let message): writer.write(message)
        case .welcome(let welcome): writer.write(welcome)
        case .groupInfo(let info): writer.write(info)
        case .keyPackage(let keyPackage): writer.write(keyPackage)
        }
    }

    public init(from reader: inout TLSReader) throws {
        guard try reader.readUInt16() == 1 else { throw MLSError.malformed("unsupported protocol version") }
        switch try WireFormat.read(from: &reader) {
        case .publicMessage: body = .publicMessage(try reader.read())
        case .privateMessage: body = .privateMessage(try reader.read())
        case .welcome: body = .welcome(try reader.read())
        case .groupInfo: body = .groupInfo(try reader.read())
        case .keyPackage: body = .keyPackage(try reader.read())
        }
    }
}
