import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encrypts single column values with ChaCha20-Poly1305 under the store's field key.
///
/// A sealed value is `version (1 byte) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, with a fresh
/// random nonce per value. The associated data binds the value to where it lives (table,
/// column, row id and the row's immutable columns), so a value copied into another row or
/// column fails to open instead of showing the wrong text.
public struct FieldCipher: Sendable {
    /// The format byte that starts every sealed value.
    static let version: UInt8 = 1
    /// Bytes a sealed value adds to its plaintext.
    public static let overhead = 1 + 12 + 16

    private let key: SymmetricKey

    /// Creates a cipher; the key must be 256 bits.
    public init(key: SymmetricKey) throws(StorageError) {
        guard key.bitCount == 256 else { throw .invalidKey }
        self.key = key
    }

    /// The associated data for a value stored at `column` of a row identified by `parts`.
    ///
    /// Parts are joined with NUL bytes, which identifiers (ULIDs, DIDs, method names) never
    /// contain, so distinct bindings never collide.
    public static func binding(_ column: String, _ parts: String...) -> [UInt8] {
        var out = Array(column.utf8)
        for part in parts {
            out.append(0)
            out.append(contentsOf: part.utf8)
        }
        return out
    }

    /// Seals `plaintext` for the place described by `binding`.
    public func seal(_ plaintext: some DataProtocol, binding: [UInt8]) throws(StorageError) -> Data {
        do {
            let box = try ChaChaPoly.seal(plaintext, using: key, authenticating: binding)
            var out = Data(capacity: Self.overhead + plaintext.count)
            out.append(Self.version)
            out.append(box.combined)
            return out
        } catch {
            throw .invalidKey  // sealing fails only on a key of the wrong size
        }
    }

    /// Opens a value sealed by `seal(_:binding:)` for the same `binding`.
    public func open(_ sealed: Data, binding: [UInt8]) throws(StorageError) -> [UInt8] {
        guard sealed.count >= Self.overhead, sealed.first == Self.version else { throw .decryptFailed }
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed.dropFirst())
            return Array(try ChaChaPoly.open(box, using: key, authenticating: binding))
        } catch {
            throw .decryptFailed
        }
    }
}
