/// The random first label of our service instance name, `<peer-name>._p2p._udp.local`
/// (32…63 characters from `[a-z0-9]`). It does not reveal the peer ID; the TXT records do.
public enum MDNSPeerName {
    /// Characters used.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A new random peer name.
    ///
    /// - Parameter generator: The randomness (the shell seeds it from the system).
    /// - Returns: A label of 32 to 63 lowercase letters and digits.
    public static func random(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let length = Int.random(in: 32...DNSLimits.maxLabelLength, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
    }
}
