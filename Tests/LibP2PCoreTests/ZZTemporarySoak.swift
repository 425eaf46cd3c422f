import LibP2PCore
import Testing

struct ZZTemporarySoak {
    @Test func soak() throws {
        var g = SplitMix64(seed: 42)
        let seeds: [[UInt8]] = [
            try Multiaddr("/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA").bytes,
            Array("/ip6/2001:db8::1/udp/4001/quic-v1/webtransport/certhash/uEiD".utf8),
            Array("/ip6/::ffff:1.2.3.4/udp/1/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe".utf8),
            [0x03, 0x13] + Array("/multistream/1.0.0\n".utf8) + [0x03] + Array("na\n".utf8) + [0x06] + Array("/noise\n".utf8),
            [0x00, 0x13] + Array("/multistream/1.0.0\n".utf8) + [0x03] + Array("ls\n".utf8) + [0x0d] + Array("/yamux/1.0.0\n".utf8) + [1, 2],
        ]
        for i in 0..<400_000 {
            var input: [UInt8]
            if i % 5 == 0 {
                input = (0..<Int(g.next() % 64)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            } else {
                input = seeds[Int(g.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + g.next() % 6) {
                    let p = Int(g.next() % UInt64(input.count + 1))
                    switch g.next() % 4 {
                    case 0 where p < input.count: input[p] = UInt8(truncatingIfNeeded: g.next())
                    case 1: input.insert(UInt8(truncatingIfNeeded: g.next()), at: p)
                    case 2 where p < input.count: input.remove(at: p)
                    default: input[p...].reverse()
                    }
                }
            }
            Multiaddr.fuzz(input)
            Multistream.fuzz(input)
            _ = try? Multibase.decode(String(decoding: input, as: UTF8.self))
            _ = try? PeerID(text: String(decoding: input, as: UTF8.self))
            _ = try? Multihash(bytes: input)
        }
    }
}
