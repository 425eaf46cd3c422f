import Foundation
import Testing
import VarianceIdentity

/// Argon2id with the interactive limits costs ~0.1 s and 64 MiB per call, so the encrypted
/// cases share saves where they can.
struct IdentityFileTests {
    static func sample() -> Identity {
        Identity.create(username: "dana ✓", now: 1_700_000_123).0
    }

    static func expectSame(_ a: Identity, _ b: Identity) {
        #expect(a.identitySeed == b.identitySeed)
        #expect(a.nodeKeySeed == b.nodeKeySeed)
        #expect(a.username == b.username)
        #expect(a.createdAt == b.createdAt)
        #expect(a.did == b.did)
        #expect(a.peerID == b.peerID)
    }

    static func mode(_ path: String) throws -> Int {
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        return ((permissions as? Int) ?? (permissions as! NSNumber).intValue) & 0o777
    }

    @Test func plainRoundTripWithMode0600() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path + "/nested/data")
        #expect(!file.exists)
        let identity = Self.sample()
        try file.save(identity, passphrase: nil)
        #expect(file.exists)
        #expect(try !file.isEncrypted())
        #expect(try Self.mode(file.path) == 0o600)
        Self.expectSame(try file.load(passphrase: nil), identity)
        // A passphrase is ignored for a plaintext file.
        Self.expectSame(try file.load(passphrase: "unused"), identity)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.directory) == ["identity.key"])

        var noName = Identity(identitySeed: identity.identitySeed, nodeKeySeed: identity.nodeKeySeed, username: nil, createdAt: -5)
        try file.save(noName, passphrase: "")
        #expect(try !file.isEncrypted())
        Self.expectSame(try file.load(passphrase: nil), noName)
        noName.username = ""
        try file.save(noName, passphrase: nil)
        #expect(try file.load(passphrase: nil).username == "")
    }

    @Test func encryptedRoundTripLockedAndWrongPassphrase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path)
        let identity = Self.sample()
        try file.save(identity, passphrase: "correct horse")
        #expect(try file.isEncrypted())
        #expect(try Self.mode(file.path) == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: file.path))
        // The secrets are not in the file in clear.
        #expect(before.range(of: Data(identity.identitySeed)) == nil)
        #expect(before.range(of: Data("dana".utf8)) == nil)

        #expect(throws: IdentityError.locked) { try file.load(passphrase: nil) }
        #expect(throws: IdentityError.locked) { try file.load(passphrase: "") }
        #expect(throws: IdentityError.wrongPassphrase) { try file.load(passphrase: "correct horsE") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == before)
        Self.expectSame(try file.load(passphrase: "correct horse"), identity)
    }

    @Test func tamperedEncryptedFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path)
        try file.save(Self.sample(), passphrase: "pw")
        let url = URL(fileURLWithPath: file.path)
        let original = try Data(contentsOf: url)

        // A flipped ciphertext bit fails authentication.
        var flipped = original
        flipped[flipped.count - 20] ^= 0x01
        try flipped.write(to: url)
        #expect(throws: IdentityError.wrongPassphrase) { try file.load(passphrase: "pw") }

        // Out-of-range Argon2 parameters are refused before any derivation.
        var hostile = original
        hostile.replaceSubrange(19..<27, with: [0xFF, 0, 0, 0, 0, 0, 0, 0])
        try hostile.write(to: url)
        #expect(throws: IdentityError.corrupt("key derivation parameters are out of range")) {
            try file.load(passphrase: "pw")
        }

        try original.prefix(70).write(to: url)
        #expect(throws: IdentityError.corrupt("the file is truncated")) { try file.load(passphrase: "pw") }
    }

    @Test func corruptFilesAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path)
        let url = URL(fileURLWithPath: file.path)
        try file.save(Self.sample(), passphrase: nil)
        let original = try Data(contentsOf: url)

        var flipped = original
        flipped[40] ^= 0x80
        try flipped.write(to: url)
        #expect(throws: IdentityError.corrupt("the checksum does not match")) { try file.load(passphrase: nil) }

        try original.dropLast().write(to: url)
        #expect(throws: IdentityError.corrupt("the checksum does not match")) { try file.load(passphrase: nil) }

        try original.prefix(30).write(to: url)
        #expect(throws: IdentityError.corrupt("the file is truncated")) { try file.load(passphrase: nil) }

        try original.prefix(5).write(to: url)
        #expect(throws: IdentityError.corrupt("the file is truncated")) { try file.load(passphrase: nil) }

        try Data("hello, this is not a key file at all, not at all".utf8).write(to: url)
        #expect(throws: IdentityError.corrupt("not a Variance identity file")) { try file.load(passphrase: nil) }
        #expect(throws: IdentityError.corrupt("not a Variance identity file")) { try file.isEncrypted() }

        try Data().write(to: url)
        #expect(throws: IdentityError.corrupt("not a Variance identity file")) { try file.load(passphrase: nil) }

        var future = original
        future[8] = 2
        try future.write(to: url)
        #expect(throws: IdentityError.corrupt("unsupported identity file version 2")) { try file.load(passphrase: nil) }

        var flags = original
        flags[9] = 0x02
        try flags.write(to: url)
        #expect(throws: IdentityError.corrupt("unknown flags in the file header")) { try file.load(passphrase: nil) }

        try Data(repeating: 0x41, count: 100_000).write(to: url)
        #expect(throws: IdentityError.corrupt("the file is larger than 65536 bytes")) { try file.load(passphrase: nil) }
    }

    @Test func missingFileIsAnIOError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path)
        #expect(!file.exists)
        let error = #expect(throws: IdentityError.self) { try file.load(passphrase: nil) }
        guard case .io(let message)? = error else {
            Issue.record("expected an I/O error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("identity.key") && message.contains("No such file"))
    }

    @Test func saveReplacesExistingFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = IdentityFile(directory: directory.path)
        let first = Self.sample()
        let second = Self.sample()
        try file.save(first, passphrase: nil)
        try file.save(second, passphrase: nil)
        Self.expectSame(try file.load(passphrase: nil), second)
        #expect(try Self.mode(file.path) == 0o600)
    }
}
