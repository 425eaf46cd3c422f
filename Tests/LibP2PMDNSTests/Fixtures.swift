import LibP2PCore

@testable import LibP2PMDNS

/// Helpers that write DNS wire bytes field by field, following RFC 1035 §4.1, so the tests
/// do not depend on the encoder under test.
enum Wire {
    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func u32(_ value: UInt32) -> [UInt8] { u16(UInt16(value >> 16)) + u16(UInt16(value & 0xFFFF)) }

    /// A name as length-prefixed labels and a final zero.
    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func header(id: UInt16 = 0, flags: UInt16, qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0)
        -> [UInt8]
    {
        u16(id) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar)
    }

    static func record(_ owner: [UInt8], type: UInt16, rclass: UInt16 = 1, ttl: UInt32 = 120, data: [UInt8]) -> [UInt8]
    {
        owner + u16(type) + u16(rclass) + u32(ttl) + u16(UInt16(data.count)) + data
    }

    static func txt(_ strings: [String]) -> [UInt8] {
        strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}

enum Peers {
    static func peer(_ byte: UInt8) -> PeerID { PeerID(ed25519PublicKey: Array(repeating: byte, count: 32)) }
    static let us = peer(1)
    static let alice = peer(2)
    static let bob = peer(3)

    static func address(_ text: String) -> Multiaddr { try! Multiaddr(text) }

    static func service(
        _ name: String = String(repeating: "q", count: 40), configuration: MDNSConfiguration = MDNSConfiguration()
    ) -> MDNSService {
        try! MDNSService(peerName: Array(name.utf8), configuration: configuration)
    }
}
