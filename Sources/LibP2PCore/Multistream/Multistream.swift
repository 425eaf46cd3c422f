/// multistream-select 1.0 (`/multistream/1.0.0`), the protocol negotiation of libp2p
/// connections and streams (libp2p/specs `connections/README.md`).
///
/// The negotiation itself is ``MultistreamDialer`` and ``MultistreamListener``; messages
/// are ``MultistreamMessage``s framed by ``LengthPrefixed``.
public enum Multistream {
    /// The protocol id of multistream-select 1.0, sent first by both sides.
    public static let protocolID = MultistreamMessage.headerText

    /// A fuzzing entry point: feeds `bytes` to a listener and to a dialer, in pieces whose
    /// sizes the input itself chooses, and checks that no input byte is lost on agreement.
    /// Malformed input only produces errors; a broken invariant traps (that is a bug).
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        let pieces = split(bytes)

        var listener = MultistreamListener(supported: ["/noise", "/yamux/1.0.0", "/ipfs/id/1.0.0"])
        feed(pieces) { piece throws(MultistreamError) in try listener.receive(piece) }

        var dialer = MultistreamDialer(protocols: ["/yamux/1.0.0", "/mplex/6.7.0", "/noise"])
        _ = dialer.start()
        feed(pieces) { piece throws(MultistreamError) in try dialer.receive(piece) }

        var decoder = LengthPrefixedDecoder(maxMessageLength: 64)
        for piece in pieces {
            decoder.append(piece)
            while let payload = try? decoder.next() {
                precondition(payload.count <= 64, "length-prefixed payload over the limit")
                _ = try? MultistreamMessage(payload: payload)
                _ = try? MultistreamListing.decode(payload: payload)
            }
        }
    }

    /// Splits fuzz input into pieces: the first byte's low nibble + 1 is the piece size.
    private static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        guard let first = bytes.first else { return [] }
        let size = Int(first & 0x0F) + 1
        let rest = bytes.dropFirst()
        return stride(from: rest.startIndex, to: rest.endIndex, by: size).map {
            Array(rest[$0..<min($0 + size, rest.endIndex)])
        }
    }

    /// Feeds pieces until the negotiation ends; on agreement checks that the remainder is
    /// exactly the unread tail of the input.
    private static func feed(
        _ pieces: [[UInt8]], _ receive: ([UInt8]) throws(MultistreamError) -> MultistreamOutcome
    ) {
        var fed: [UInt8] = []
        for piece in pieces {
            fed += piece
            let outcome: MultistreamOutcome
            do {
                outcome = try receive(piece)
            } catch {
                return
            }
            switch outcome {
            case .needMore:
                continue
            case .agreed(_, _, let remainder):
                precondition(remainder.count <= fed.count && fed.suffix(remainder.count).elementsEqual(remainder),
                             "multistream remainder is not the tail of the input")
                return
            case .failed:
                return
            }
        }
    }
}
