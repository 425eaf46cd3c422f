/// The secrets of one epoch (RFC 9420 §8).
///
/// ```
/// init_secret[n-1] --Extract(ikm: commit_secret)--> ExpandWithLabel("joiner", GroupContext)
///   = joiner_secret --Extract(ikm: psk_secret)--> +--> DeriveSecret("welcome")
///                                                 +--> ExpandWithLabel("epoch", GroupContext)
///   = epoch_secret --> DeriveSecret(<label>) for each secret below, and "init" for the next epoch
/// ```
public struct EpochSecrets: Sendable, Hashable {
    /// The joiner secret (sent to new members in a Welcome).
    public let joinerSecret: [UInt8]
    /// Secret for encrypting the GroupInfo in a Welcome.
    public let welcomeSecret: [UInt8]
    /// The epoch secret.
    public let epochSecret: [UInt8]
    /// Key for sender-data encryption.
    public let senderDataSecret: [UInt8]
    /// Root of the secret tree.
    public let encryptionSecret: [UInt8]
    /// Base of MLS-Exporter.
    public let exporterSecret: [UInt8]
    /// Value members compare out of band.
    public let epochAuthenticator: [UInt8]
    /// Seed of the external HPKE key pair.
    public let externalSecret: [UInt8]
    /// MAC key for confirmation tags.
    public let confirmationKey: [UInt8]
    /// MAC key for PublicMessage membership tags.
    public let membershipKey: [UInt8]
    /// Resumption PSK of this epoch.
    public let resumptionPSK: [UInt8]
    /// The init secret for the next epoch.
    public let initSecret: [UInt8]

    /// Runs the schedule from the previous epoch's init secret.
    public init(
        suite: CipherSuite, initSecret previous: [UInt8], commitSecret: [UInt8], pskSecret: [UInt8],
        groupContext: GroupContext
    ) {
        let context = groupContext.tlsSerialized
        let joiner = suite.expandWithLabel(
            suite.extract(salt: previous, ikm: commitSecret), label: "joiner", context: context,
            length: suite.hashLength)
        self.init(suite: suite, joinerSecret: joiner, pskSecret: pskSecret, groupContext: groupContext)
    }

    /// Runs the schedule from a joiner secret (as a new member does).
    public init(suite: CipherSuite, joinerSecret: [UInt8], pskSecret: [UInt8], groupContext: GroupContext) {
        let member = suite.extract(salt: joinerSecret, ikm: pskSecret)
        self.init(
            suite: suite, joinerSecret: joinerSecret, welcomeSecret: suite.deriveSecret(member, label: "welcome"),
            epochSecret: suite.expandWithLabel(
                member, label: "epoch", context: groupContext.tlsSerialized, length: suite.hashLength))
    }

    /// The secrets of a group's first epoch, whose epoch secret is chosen at random
    /// (RFC 9420 §11). It has no joiner or welcome secret (both empty).
    public init(suite: CipherSuite, randomEpochSecret: [UInt8]) {
        self.init(suite: suite, joinerSecret: [], welcomeSecret: [], epochSecret: randomEpochSecret)
    }

    init(suite: CipherSuite, joinerSecret: [UInt8], welcomeSecret: [UInt8], epochSecret epoch: [UInt8]) {
        self.joinerSecret = joinerSecret
        self.welcomeSecret = welcomeSecret
        epochSecret = epoch
        senderDataSecret = suite.deriveSecret(epoch, label: "sender data")
        encryptionSecret = suite.deriveSecret(epoch, label: "encryption")
        exporterSecret = suite.deriveSecret(epoch, label: "exporter")
        epochAuthenticator = suite.deriveSecret(epoch, label: "authentication")
        externalSecret = suite.deriveSecret(epoch, label: "external")
        confirmationKey = suite.deriveSecret(epoch, label: "confirm")
        membershipKey = suite.deriveSecret(epoch, label: "membership")
        resumptionPSK = suite.deriveSecret(epoch, label: "resumption")
        initSecret = suite.deriveSecret(epoch, label: "init")
    }

    /// `welcome_secret` from a joiner secret and PSK secret, before the GroupContext is known.
    public static func welcomeSecret(suite: CipherSuite, joinerSecret: [UInt8], pskSecret: [UInt8]) -> [UInt8] {
        suite.deriveSecret(suite.extract(salt: joinerSecret, ikm: pskSecret), label: "welcome")
    }

    /// The public half of the external key pair (`external_pub`).
    public func externalPublicKey(suite: CipherSuite) -> [UInt8] {
        suite.deriveKeyPair(externalSecret).publicKey
    }

    /// MLS-Exporter(label, context, length) (RFC 9420 §8.5).
    public func exporter(suite: CipherSuite, label: String, context: [UInt8], length: Int) -> [UInt8] {
        suite.expandWithLabel(
            suite.deriveSecret(exporterSecret, label: label), label: "exported", context: suite.hash(context),
            length: length)
    }
}

extension CipherSuite {
    /// `welcome_key` and `welcome_nonce` from a welcome secret (RFC 9420 §12.4.3.1).
    func welcomeKeyAndNonce(_ welcomeSecret: [UInt8]) -> (key: [UInt8], nonce: [UInt8]) {
        (
            expandWithLabel(welcomeSecret, label: "key", context: [], length: aeadKeyLength),
            expandWithLabel(welcomeSecret, label: "nonce", context: [], length: aeadNonceLength)
        )
    }
}
