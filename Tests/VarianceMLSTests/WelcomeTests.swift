import Testing

@testable import VarianceMLS

@Suite struct WelcomeTests {
    let suite = CipherSuite.mls128X25519

    @Test func welcomeVectors() throws {
        let entries = try MLSVectors.suite1("welcome.json")
        #expect(entries.count == 1)
        for entry in entries {
            guard case .keyPackage(let keyPackage) = try MLSMessage(tlsSerialized: try entry.hex("key_package")).body,
                case .welcome(let welcome) = try MLSMessage(tlsSerialized: try entry.hex("welcome")).body
            else {
                Issue.record("vector messages have the wrong wire formats")
                continue
            }
            guard case .keyPackage(let lifetime) = keyPackage.leafNode.source else {
                Issue.record("key package leaf is not key_package-sourced")
                continue
            }
            let verified = try KeyPackage(verifying: keyPackage, suite: suite, now: lifetime.notBefore)
            let initKey = try HPKEPrivateKey(rawRepresentation: try entry.hex("init_priv"))
            #expect(initKey.publicKey == keyPackage.initKey)

            let secrets = try welcome.decryptGroupSecrets(
                suite: suite, keyPackageRef: verified.reference(suite: suite), initKey: initKey)
            #expect(secrets.psks.isEmpty)
            let pskSecret = suite.pskSecret([])
            let welcomeSecret = EpochSecrets.welcomeSecret(
                suite: suite, joinerSecret: secrets.joinerSecret, pskSecret: pskSecret)
            let info = try welcome.decryptGroupInfo(suite: suite, welcomeSecret: welcomeSecret)
            let groupInfo = try info.verify(suite: suite, signerPublicKey: try entry.hex("signer_pub"))
            #expect(throws: MLSError.self) {
                try info.verify(suite: suite, signerPublicKey: keyPackage.leafNode.signatureKey)
            }

            let epoch = EpochSecrets(
                suite: suite, joinerSecret: secrets.joinerSecret, pskSecret: pskSecret,
                groupContext: groupInfo.value.groupContext)
            #expect(epoch.welcomeSecret == welcomeSecret)
            #expect(
                suite.mac(key: epoch.confirmationKey, groupInfo.value.groupContext.confirmedTranscriptHash)
                    == groupInfo.value.confirmationTag)

            // Someone else's key package reference finds nothing.
            #expect(throws: MLSError.self) {
                try welcome.decryptGroupSecrets(
                    suite: suite, keyPackageRef: [UInt8](repeating: 0, count: 32), initKey: initKey)
            }
        }
    }

    @Test func keyPackageLifetimeIsEnforced() throws {
        let entry = try MLSVectors.suite1("welcome.json")[0]
        guard case .keyPackage(let keyPackage) = try MLSMessage(tlsSerialized: try entry.hex("key_package")).body,
            case .keyPackage(let lifetime) = keyPackage.leafNode.source
        else {
            Issue.record("no key package")
            return
        }
        if lifetime.notBefore > 0 {
            #expect(throws: MLSError.self) {
                try KeyPackage(verifying: keyPackage, suite: suite, now: lifetime.notBefore - 1)
            }
        }
        if lifetime.notAfter < UInt64.max {
            #expect(throws: MLSError.self) {
                try KeyPackage(verifying: keyPackage, suite: suite, now: lifetime.notAfter + 1)
            }
        }
        var tampered = keyPackage
        tampered.initKey[0] ^= 1
        #expect(throws: MLSError.self) { try KeyPackage(verifying: tampered, suite: suite, now: lifetime.notBefore) }
    }
}
