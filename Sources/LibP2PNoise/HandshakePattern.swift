/// A Noise handshake pattern (Noise Protocol Framework rev 34, §7): the tokens of each
/// message, alternating initiator → responder → initiator.
///
/// Only the patterns without pre-messages and PSKs are expressible; libp2p uses ``xx``.
package struct HandshakePattern: Sendable, Hashable {
    /// A message-pattern token (§7.1).
    package enum Token: Sendable, Hashable {
        /// Send or receive an ephemeral public key.
        case e
        /// Send or receive a static public key (encrypted once a key exists).
        case s
        /// `MixKey(DH(e, re))`.
        case ee
        /// `MixKey(DH(e, rs))` for the initiator, `MixKey(DH(s, re))` for the responder.
        case es
        /// `MixKey(DH(s, re))` for the initiator, `MixKey(DH(e, rs))` for the responder.
        case se
        /// `MixKey(DH(s, rs))`.
        case ss
    }

    /// The pattern's name as it appears in protocol names, e.g. `XX`.
    package let name: String
    /// The tokens of each message; message 0 is written by the initiator.
    package let messages: [[Token]]

    /// `XX`: `-> e`, `<- e, ee, s, es`, `-> s, se` (§7.5).
    package static let xx = HandshakePattern(name: "XX", messages: [[.e], [.e, .ee, .s, .es], [.s, .se]])
}
