import LibP2PCore
@testable import LibP2PNAT

/// The peer ID of the Ed25519 key `[n] * 32`.
func testPeer(_ n: UInt8) -> PeerID {
    PeerID(ed25519PublicKey: Array(repeating: n, count: 32))
}

/// A multiaddr from text that is known to be valid.
func ma(_ text: String) -> Multiaddr {
    try! Multiaddr(text)
}

/// An instant `ms` milliseconds after the epoch.
func at(_ ms: Int64) -> NATInstant {
    NATInstant(milliseconds: ms)
}

/// Bytes from hex text (spaces ignored).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
