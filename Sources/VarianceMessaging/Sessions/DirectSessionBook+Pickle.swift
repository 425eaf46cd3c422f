import Crypto
import VarianceOlm

/// The encrypted, versioned serialization of a ``DirectSessionBook``: our own format.
///
/// ```
/// "VDMB" | version (1) | ChaChaPoly nonce (12) | ciphertext | tag (16)     header = first 5 bytes, authenticated
/// plaintext:   u32 contact count, then per contact in DID order:
///   u16 len ‖ DID (UTF-8)
///   u8 session count  ‖ per session (most recently used first): u32 len ‖ OlmSession pickle
///   u16 seen-id count ‖ per id (oldest first): u8 len ‖ id (ASCII)
/// ```
/// Integers are big-endian. The Olm session pickles inside are themselves sealed with the
/// same key (VarianceOlm's format). The key is exactly 32 bytes.
extension DirectSessionBook {
    static let pickleMagic: [UInt8] = Array("VDMB".utf8)
    static let pickleVersion: UInt8 = 1

    /// The book encrypted with a 32-byte `key`; nonces come from `rng`.
    public func pickle(key: [UInt8], using rng: inout some RandomNumberGenerator) throws(MessagingError) -> [UInt8] {
        guard key.count == 32 else { throw .badPickle("key must be 32 bytes") }
        var out: [UInt8] = []
        Self.put(UInt32(contacts.count), 4, &out)
        for did in contactDIDs {
            let contact = contacts[did]!
            let didBytes = Array(did.utf8)
            Self.put(UInt32(didBytes.count), 2, &out)
            out += didBytes
            out.append(UInt8(contact.sessions.count))
            for session in contact.sessions {
                let pickled: [UInt8]
                do { pickled = try session.pickle(key: key, using: &rng) } catch { throw .olm(error) }
                Self.put(UInt32(pickled.count), 4, &out)
                out += pickled
            }
            Self.put(UInt32(contact.seen.count), 2, &out)
            for id in contact.seen {
                out.append(UInt8(id.utf8.count))
                out += id.utf8
            }
        }
        let header = Self.pickleMagic + [Self.pickleVersion]
        var nonceBytes = [UInt8](repeating: 0, count: 12)
        for i in nonceBytes.indices { nonceBytes[i] = UInt8.random(in: 0...255, using: &rng) }
        guard let nonce = try? ChaChaPoly.Nonce(data: nonceBytes),
            let box = try? ChaChaPoly.seal(out, using: SymmetricKey(data: key), nonce: nonce, authenticating: header)
        else { throw .badPickle("seal") }
        return header + Array(box.combined)
    }

    /// Restores a book from ``pickle(key:using:)``.
    public init(pickle: [UInt8], key: [UInt8]) throws(MessagingError) {
        guard key.count == 32 else { throw .badPickle("key must be 32 bytes") }
        guard pickle.count >= 5 + 12 + 16, Array(pickle[0..<4]) == Self.pickleMagic else {
            throw .badPickle("not a session book")
        }
        guard pickle[4] == Self.pickleVersion else { throw .badPickle("unsupported version") }
        guard let box = try? ChaChaPoly.SealedBox(combined: pickle[5...]),
            let plain = try? ChaChaPoly.open(box, using: SymmetricKey(data: key), authenticating: pickle[0..<5])
        else { throw .badPickle("wrong key or corrupted") }
        var r = Reader(bytes: Array(plain))
        var contacts: [String: Contact] = [:]
        let count = try r.int(4)
        for _ in 0..<count {
            let did = String(decoding: try r.take(r.int(2)), as: UTF8.self)
            var contact = Contact()
            let sessionCount = try r.int(1)
            guard sessionCount <= Self.maxSessionsPerContact else { throw .badPickle("too many sessions") }
            for _ in 0..<sessionCount {
                let bytes = try r.take(r.int(4))
                do { contact.sessions.append(try OlmSession(pickle: bytes, key: key)) } catch { throw .olm(error) }
            }
            let seenCount = try r.int(2)
            guard seenCount <= Self.dedupeWindow else { throw .badPickle("too many seen ids") }
            for _ in 0..<seenCount {
                contact.remember(String(decoding: try r.take(r.int(1)), as: UTF8.self))
            }
            guard contacts[did] == nil else { throw .badPickle("duplicate contact") }
            contacts[did] = contact
        }
        guard r.at == r.bytes.count else { throw .badPickle("trailing bytes") }
        self.init()
        self.contacts = contacts
    }

    static func put(_ v: UInt32, _ width: Int, _ out: inout [UInt8]) {
        for i in stride(from: width - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func take(_ n: Int) throws(MessagingError) -> [UInt8] {
            guard n >= 0, bytes.count - at >= n else { throw .badPickle("truncated") }
            at += n
            return Array(bytes[(at - n)..<at])
        }

        mutating func int(_ width: Int) throws(MessagingError) -> Int {
            try take(width).reduce(0) { $0 << 8 | Int($1) }
        }
    }
}
