import Crypto
import Foundation

/// The relay's libp2p key, kept in `<data-dir>/relay.key` (the raw 32-byte Ed25519 seed,
/// mode 0600) so that its peer ID survives restarts: clients' configurations name it.
enum RelayKey {
    static func loadOrCreate(in directory: String) throws -> Curve25519.Signing.PrivateKey {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/relay.key"
        if let data = FileManager.default.contents(atPath: path) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
        }
        let key = Curve25519.Signing.PrivateKey()
        guard FileManager.default.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown) }
        return key
    }
}
