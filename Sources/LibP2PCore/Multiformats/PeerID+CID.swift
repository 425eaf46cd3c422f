/// The CIDv1 text form of peer IDs (`bafz…`), and parsing of either text form.
///
/// Per the libp2p peer-ids specification a peer ID as a CID is
/// `<multibase prefix><cid version 0x01><multicodec libp2p-key 0x72><multihash>`, shown in
/// base32 by default. Text that starts with `1` or `Qm` is the legacy bare base58btc
/// multihash; anything else is multibase-decoded as a CID.
extension PeerID {
    /// The multicodec of a CID that names a peer: `libp2p-key`.
    public static let libp2pKeyCodec: UInt64 = 0x72

    /// Why text or bytes are not a peer ID.
    public enum TextError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text is neither legacy base58btc nor valid multibase.
        case invalidMultibase(Multibase.DecodingError)
        /// The CID's version or codec varint is broken or missing.
        case invalidCID
        /// The CID is not version 1.
        case unsupportedCIDVersion(UInt64)
        /// The CID's content codec is not `libp2p-key` (0x72).
        case notLibP2PKey(codec: UInt64)
        /// The multihash is not a valid peer ID.
        case invalidPeerID(PeerID.ParseError)

        /// A sentence saying what is wrong.
        public var description: String {
            switch self {
            case .invalidMultibase(let error): "peer ID is not valid text: \(error)"
            case .invalidCID: "peer ID CID is malformed"
            case .unsupportedCIDVersion(let version): "peer ID CID has version \(version), expected 1"
            case .notLibP2PKey(let codec):
                "CID codec 0x\(String(codec, radix: 16)) is not libp2p-key (0x72), so it does not name a peer"
            case .invalidPeerID(let error): "not a peer ID multihash: \(error)"
            }
        }
    }

    /// Parses either text form: legacy base58btc (`12D3KooW…`, `Qm…`) or a multibase CIDv1
    /// (`bafz…`, or any supported multibase).
    ///
    /// - Parameter text: The peer ID text.
    /// - Throws: ``TextError``.
    public init(text: String) throws(TextError) {
        if text.hasPrefix("1") || text.hasPrefix("Qm") {
            do {
                try self.init(string: text)
            } catch {
                throw .invalidPeerID(error)
            }
        } else {
            try self.init(cid: text)
        }
    }

    /// Parses the multibase CIDv1 text form.
    ///
    /// - Parameter cid: Multibase text of a CIDv1 with the `libp2p-key` codec.
    /// - Throws: ``TextError``.
    public init(cid: String) throws(TextError) {
        let bytes: [UInt8]
        do {
            bytes = try Multibase.decode(cid).bytes
        } catch {
            throw .invalidMultibase(error)
        }
        try self.init(cidBytes: bytes)
    }

    /// Parses a binary CIDv1: `01 72 <multihash>`.
    ///
    /// - Parameter cidBytes: The binary CID.
    /// - Throws: ``TextError``.
    public init(cidBytes: [UInt8]) throws(TextError) {
        let version: UInt64
        let versionLength: Int
        let codec: UInt64
        let codecLength: Int
        do {
            (version, versionLength) = try Varint.decode(cidBytes)
            guard version == 1 else { throw TextError.unsupportedCIDVersion(version) }
            (codec, codecLength) = try Varint.decode(cidBytes[versionLength...])
        } catch let error as TextError {
            throw error
        } catch {
            throw .invalidCID
        }
        guard codec == Self.libp2pKeyCodec else { throw .notLibP2PKey(codec: codec) }
        do {
            try self.init(bytes: Array(cidBytes[(versionLength + codecLength)...]))
        } catch {
            throw .invalidPeerID(error)
        }
    }

    /// The binary CIDv1: `01 72` followed by the multihash.
    public var cidBytes: [UInt8] {
        [0x01, UInt8(Self.libp2pKeyCodec)] + bytes
    }

    /// The CIDv1 text form in base32 (`bafz…`), the form the specification recommends.
    public var cidString: String {
        Multibase.encode(cidBytes, as: .base32)
    }
}
