import LibP2PCore
import Testing

/// multistream-select 1.0: a dialer and a listener passing bytes to each other, no sockets.
struct MultistreamTests {
    static let header: [UInt8] = [0x13] + Array("/multistream/1.0.0\n".utf8)

    static func frame(_ text: String) -> [UInt8] {
        LengthPrefixed.encode(Array((text + "\n").utf8))
    }

    /// Where a pair of negotiators ended up.
    struct Result {
        var dialer: MultistreamOutcome?
        var listener: MultistreamOutcome?
        var dialerError: MultistreamError?
        var listenerError: MultistreamError?
        var writes = 0
    }

    /// Runs a dialer and a listener against each other, delivering each write in pieces of
    /// `pieceSize` bytes (nil: whole), until both have finished or nothing moves.
    static func negotiate(
        dialing protocols: [String], supported: Set<String>, pieceSize: Int? = nil,
        applicationBytes: [UInt8] = []
    ) -> Result {
        var dialer = MultistreamDialer(protocols: protocols)
        var listener = MultistreamListener(supported: supported)
        var result = Result()
        var toListener = dialer.start() + applicationBytes
        var toDialer: [UInt8] = []
        func pieces(_ bytes: [UInt8]) -> [[UInt8]] {
            guard let size = pieceSize else { return [bytes] }
            return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        }
        func sent(_ outcome: MultistreamOutcome) -> [UInt8] {
            switch outcome {
            case .needMore(let send), .agreed(_, let send, _), .failed(_, let send): send
            }
        }
        while !toListener.isEmpty || !toDialer.isEmpty {
            for piece in pieces(toListener) where !listener.isFinished {
                do {
                    let outcome = try listener.receive(piece)
                    toDialer += sent(outcome)
                    if case .needMore = outcome {} else { result.listener = outcome }
                } catch {
                    result.listenerError = error
                }
            }
            toListener = []
            result.writes += 1
            for piece in pieces(toDialer) where !dialer.isFinished {
                do {
                    let outcome = try dialer.receive(piece)
                    toListener += sent(outcome)
                    if case .needMore = outcome {} else { result.dialer = outcome }
                } catch {
                    result.dialerError = error
                }
            }
            toDialer = []
        }
        return result
    }

    // MARK: Messages and framing

    @Test func messageEncodings() throws {
        #expect(MultistreamMessage.notAvailable.encoded == [0x03, 0x6E, 0x61, 0x0A])  // connections spec
        #expect(MultistreamMessage.list.encoded == [0x03, 0x6C, 0x73, 0x0A])  // multistream-select README
        #expect(MultistreamMessage.header.encoded == Self.header)
        #expect(Multistream.protocolID == "/multistream/1.0.0")
        #expect(try MultistreamMessage(payload: Array("/yamux/1.0.0\n".utf8)) == .protocolID("/yamux/1.0.0"))
        #expect(throws: MultistreamError.missingNewline) { try MultistreamMessage(payload: Array("na".utf8)) }
        #expect(throws: MultistreamError.missingNewline) { try MultistreamMessage(payload: []) }
        #expect(throws: MultistreamError.invalidMessage) { try MultistreamMessage(payload: [0x0A]) }
        #expect(throws: MultistreamError.invalidMessage) { try MultistreamMessage(payload: [0xFF, 0x0A]) }
        #expect(throws: MultistreamError.invalidMessage) { try MultistreamMessage(payload: Array("a\nb\n".utf8)) }
    }

    @Test func lengthPrefixedFraming() throws {
        let long = [UInt8](repeating: 7, count: 200)
        #expect(LengthPrefixed.encode(long).prefix(2) == [0xC8, 0x01])  // two-byte prefix
        let stream = LengthPrefixed.encode([1, 2, 3]) + LengthPrefixed.encode([]) + LengthPrefixed.encode(long) + [0x05, 9]

        // Several messages in one buffer.
        var whole = LengthPrefixedDecoder(maxMessageLength: 1024)
        whole.append(stream)
        #expect(try whole.next() == [1, 2, 3])
        #expect(try whole.next() == [])
        #expect(try whole.next() == long)
        #expect(try whole.next() == nil)
        #expect(whole.takeBuffered() == [0x05, 9])
        #expect(whole.bufferedCount == 0)

        // Byte by byte.
        var single = LengthPrefixedDecoder(maxMessageLength: 1024)
        var messages: [[UInt8]] = []
        for byte in stream {
            single.append([byte])
            while let message = try single.next() { messages.append(message) }
        }
        #expect(messages == [[1, 2, 3], [], long])
        #expect(single.bufferedCount == 2)
    }

    @Test func lengthPrefixedRefusesBadPrefixes() throws {
        var oversize = LengthPrefixedDecoder(maxMessageLength: 100)
        oversize.append([0x65])  // 101
        #expect(throws: LengthPrefixedError.messageTooLong(length: 101, limit: 100)) { try oversize.next() }

        var early = LengthPrefixedDecoder(maxMessageLength: 1024)
        early.append([0xFF, 0xFF])  // at least 16,384 whatever follows: refused before it ends
        #expect(throws: LengthPrefixedError.messageTooLong(length: 16384, limit: 1024)) { try early.next() }

        var endless = LengthPrefixedDecoder(maxMessageLength: Int.max)
        endless.append([UInt8](repeating: 0xFF, count: 8))
        #expect(try endless.next() == nil)  // could still end
        endless.append([0xFF])
        #expect(throws: LengthPrefixedError.invalidLengthPrefix) { try endless.next() }

        var notMinimal = LengthPrefixedDecoder(maxMessageLength: 1024)
        notMinimal.append([0x80, 0x00])
        #expect(throws: LengthPrefixedError.invalidLengthPrefix) { try notMinimal.next() }
    }

    // MARK: Negotiation

    @Test func simpleAgreement() throws {
        var dialer = MultistreamDialer(protocols: ["/noise"])
        var listener = MultistreamListener(supported: ["/noise", "/tls/1.0.0"])
        let hello = dialer.start()
        #expect(hello == Self.header + Self.frame("/noise"))  // optimistic: header and proposal together
        let answer = try listener.receive(hello)
        #expect(answer == .agreed(protocol: "/noise", send: Self.header + Self.frame("/noise"), remainder: []))
        #expect(try dialer.receive(Self.header + Self.frame("/noise")) == .agreed(protocol: "/noise", send: [], remainder: []))
        #expect(dialer.isFinished && listener.isFinished)
        #expect(dialer.start() == [])
    }

    @Test func fallsBackAfterNotAvailable() {
        let result = Self.negotiate(dialing: ["/mplex/6.7.0", "/yamux/1.0.0"], supported: ["/yamux/1.0.0"])
        #expect(result.dialer == .agreed(protocol: "/yamux/1.0.0", send: [], remainder: []))
        #expect(result.listener == .agreed(protocol: "/yamux/1.0.0", send: Self.frame("/yamux/1.0.0"), remainder: []))
        #expect(result.dialerError == nil && result.listenerError == nil)
    }

    @Test func longProtocolIDsUseTwoByteLengthPrefixes() {
        let long = "/" + String(repeating: "v", count: 150)  // 152-byte message: prefix 98 01
        #expect(MultistreamMessage.protocolID(long).encoded.prefix(2) == [0x98, 0x01])
        let result = Self.negotiate(dialing: ["/short", long], supported: [long], pieceSize: 1)
        #expect(result.dialer == .agreed(protocol: long, send: [], remainder: []))
        #expect(result.listener == .agreed(protocol: long, send: Self.frame(long), remainder: []))
    }

    @Test func failsWhenNothingIsSupported() {
        let result = Self.negotiate(dialing: ["/a/1", "/b/1", "/c/1"], supported: ["/d/1"])
        #expect(result.dialer == .failed(.noProtocolAccepted(proposed: 3), send: []))
        #expect(result.listener == nil)  // still waiting; the dialer closes the stream
        #expect(MultistreamError.noProtocolAccepted(proposed: 3).description == "peer supports none of the 3 protocols we proposed")
    }

    @Test(arguments: [1, 2, 3, 7])
    func deliveredInSmallPieces(pieceSize: Int) {
        let result = Self.negotiate(
            dialing: ["/x/1", "/y/1", "/ipfs/kad/1.0.0"], supported: ["/ipfs/kad/1.0.0"], pieceSize: pieceSize
        )
        #expect(result.dialer == .agreed(protocol: "/ipfs/kad/1.0.0", send: [], remainder: []))
        #expect(result.listener == .agreed(protocol: "/ipfs/kad/1.0.0", send: Self.frame("/ipfs/kad/1.0.0"), remainder: []))
        #expect(result.dialerError == nil && result.listenerError == nil)
    }

    @Test func listenerAgreesOnTheLastByteOfTheProposal() throws {
        var listener = MultistreamListener(supported: ["/ipfs/ping/1.0.0"])
        let input = Self.header + Self.frame("/ipfs/ping/1.0.0") + [7, 7, 7]
        var sent: [UInt8] = []
        for (index, byte) in input.enumerated() {
            switch try listener.receive([byte]) {
            case .needMore(let send):
                sent += send
            case .agreed(let id, let send, let remainder):
                #expect(id == "/ipfs/ping/1.0.0")
                #expect(sent + send == Self.header + Self.frame("/ipfs/ping/1.0.0"))
                #expect(remainder.isEmpty)
                #expect(index == input.count - 4)  // the 3 later bytes go straight to the protocol
                return
            case .failed(let error, _):
                Issue.record("failed: \(error)")
                return
            }
        }
        Issue.record("never agreed")
    }

    @Test func listenerKeepsApplicationBytesSentWithTheProposal() throws {
        // An optimistic dialer (rust's V1Lazy) sends its first application bytes right away.
        var listener = MultistreamListener(supported: ["/ipfs/ping/1.0.0"])
        let ping = [UInt8](repeating: 0x42, count: 32)
        let outcome = try listener.receive(Self.header + Self.frame("/ipfs/ping/1.0.0") + ping)
        #expect(outcome == .agreed(protocol: "/ipfs/ping/1.0.0", send: Self.header + Self.frame("/ipfs/ping/1.0.0"), remainder: ping))
    }

    @Test func dialerKeepsApplicationBytesSentWithTheEcho() throws {
        // go sends the echo and its first application bytes in one packet.
        var dialer = MultistreamDialer(protocols: ["/noise"])
        _ = dialer.start()
        let noiseMessage: [UInt8] = [0x00, 0x20] + [UInt8](repeating: 0x11, count: 32)
        let packet = Self.header + Self.frame("/noise") + noiseMessage
        #expect(try dialer.receive(packet) == .agreed(protocol: "/noise", send: [], remainder: noiseMessage))
    }

    @Test func dialerKeepsApplicationBytesByteByByte() throws {
        var dialer = MultistreamDialer(protocols: ["/a/1", "/noise"])
        _ = dialer.start()
        let packet = Self.header + Self.frame("na") + Self.frame("/noise") + [1, 2, 3]
        var sent: [UInt8] = []
        var agreed: MultistreamOutcome?
        var index = 0
        while agreed == nil && index < packet.count {
            switch try dialer.receive([packet[index]]) {
            case .needMore(let send): sent += send
            case let outcome: agreed = outcome
            }
            index += 1
        }
        #expect(sent == Self.frame("/noise"))
        #expect(agreed == .agreed(protocol: "/noise", send: [], remainder: []))
        #expect(Array(packet[index...]) == [1, 2, 3])  // not yet delivered, so not lost
    }

    @Test func listenerAnswersLs() throws {
        var listener = MultistreamListener(supported: ["/yamux/1.0.0", "/ipfs/id/1.0.0"])
        let outcome = try listener.receive(Self.header + MultistreamMessage.list.encoded)
        let listing = MultistreamListing.encode(["/ipfs/id/1.0.0", "/yamux/1.0.0"])
        #expect(outcome == .needMore(send: Self.header + listing))
        var decoder = LengthPrefixedDecoder(maxMessageLength: 1024)
        decoder.append(listing)
        let payload = try #require(try decoder.next())
        #expect(payload.last == 0x0A && payload.dropLast().last == 0x0A)  // ends with "\n\n"
        #expect(try MultistreamListing.decode(payload: payload) == ["/ipfs/id/1.0.0", "/yamux/1.0.0"])
        // go-multistream leaves out the final newline.
        #expect(try MultistreamListing.decode(payload: Array(payload.dropLast())) == ["/ipfs/id/1.0.0", "/yamux/1.0.0"])
        #expect(try MultistreamListing.decode(payload: [0x0A]) == [])
        #expect(throws: MultistreamError.missingNewline) { try MultistreamListing.decode(payload: [0x05, 0x2F]) }
        // After listing, negotiation continues.
        #expect(try listener.receive(Self.frame("/yamux/1.0.0")) == .agreed(protocol: "/yamux/1.0.0", send: Self.frame("/yamux/1.0.0"), remainder: []))
    }

    @Test func listenerGivesUpAfterTooManyAttempts() throws {
        var listener = MultistreamListener(supported: ["/yes"])
        var proposals = Self.header
        for attempt in 0..<20 { proposals += Self.frame("/no/\(attempt)") }
        let outcome = try listener.receive(proposals)
        let expectedSend = Self.header + Array(repeating: MultistreamMessage.notAvailable.encoded, count: 16).flatMap { $0 }
        #expect(outcome == .failed(.tooManyAttempts(limit: 16), send: expectedSend))
        #expect(throws: MultistreamError.alreadyFinished) { try listener.receive(Self.frame("/yes")) }
    }

    @Test func negotiationBytesAreBounded() {
        let limits = MultistreamLimits(maxMessageLength: 64, maxAttempts: 100, maxNegotiationBytes: 200)
        var listener = MultistreamListener(supported: [], limits: limits)
        var proposals = Self.header
        for attempt in 0..<10 { proposals += Self.frame("/protocol/number/\(attempt)/with/a/longish/name") }
        #expect(throws: MultistreamError.negotiationTooLong(limit: 200)) { try listener.receive(proposals) }
    }

    // MARK: Hostile and broken input

    static let brokenListenerInput: [([UInt8], MultistreamError)] = [
        ([UInt8](repeating: 0xFF, count: 12), .missingHeader),  // refused at once: no header is that long
        (Array("GET / HTTP/1.1\r\n\r\n".utf8), .missingHeader),  // 'G' would declare 71 bytes
        ([0x80, 0x00], .missingHeader),
        ([0x13] + Array("/multistream/1.0.0 ".utf8), .missingNewline),
        (MultistreamTests.frame("/multistream/2.0.0"), .missingHeader),
        (MultistreamTests.frame("/noise"), .missingHeader),
        (MultistreamTests.header + [UInt8](repeating: 0xFF, count: 12), .messageTooLong(length: 16384, limit: 1024)),
        (MultistreamTests.header + [0x80, 0x00], .invalidLengthPrefix),
        (MultistreamTests.header + [0x81, 0x08] + [UInt8](repeating: 0x61, count: 1025), .messageTooLong(length: 1025, limit: 1024)),
        (MultistreamTests.header + [0x05, 0x2F, 0x6E, 0x6F, 0x69, 0x73], .missingNewline),
        (MultistreamTests.header + MultistreamTests.frame("na"), .unexpectedMessage),
        (MultistreamTests.header + MultistreamTests.header, .unexpectedMessage),
        (MultistreamTests.header + [0x03, 0xC3, 0x28, 0x0A], .invalidMessage),
        (MultistreamTests.header + [0x01, 0x0A], .invalidMessage),
    ]

    @Test(arguments: brokenListenerInput)
    func listenerRefusesBrokenInput(input: [UInt8], error: MultistreamError) {
        var listener = MultistreamListener(supported: ["/noise"])
        #expect(throws: error) { try listener.receive(input) }
        #expect(listener.isFinished)
        #expect(throws: MultistreamError.alreadyFinished) { try listener.receive(Self.header) }
    }

    static let brokenDialerInput: [([UInt8], MultistreamError)] = [
        (MultistreamTests.frame("/noise"), MultistreamError.missingHeader),
        (MultistreamTests.header + MultistreamTests.frame("/tls/1.0.0"), .unexpectedMessage),
        (MultistreamTests.header + MultistreamTests.frame("ls"), .unexpectedMessage),
        (MultistreamTests.header + MultistreamTests.header, .unexpectedMessage),
        (MultistreamTests.header + [0x05, 0x2F, 0x6E, 0x6F, 0x69, 0x73], .missingNewline),
        ([UInt8](repeating: 0x80, count: 9), .missingHeader),
        (MultistreamTests.header + [UInt8](repeating: 0x80, count: 9), .messageTooLong(length: 16384, limit: 1024)),
        (MultistreamTests.header + [0x80, 0x00], .invalidLengthPrefix),
    ]

    @Test(arguments: brokenDialerInput)
    func dialerRefusesBrokenInput(input: [UInt8], error: MultistreamError) {
        var dialer = MultistreamDialer(protocols: ["/noise"])
        _ = dialer.start()
        #expect(throws: error) { try dialer.receive(input) }
        #expect(dialer.isFinished)
    }

    @Test func endOfStreamFailsAtOnce() throws {
        var dialer = MultistreamDialer(protocols: ["/noise"])
        _ = dialer.start()
        #expect(try dialer.receive(Self.header) == .needMore(send: []))
        #expect(dialer.receiveEndOfStream() == .closedDuringNegotiation)
        #expect(dialer.receiveEndOfStream() == nil)
        #expect(throws: MultistreamError.alreadyFinished) { try dialer.receive(Self.frame("/noise")) }

        var listener = MultistreamListener(supported: ["/noise"])
        _ = try listener.receive(Self.header + Self.frame("/noise"))
        #expect(listener.receiveEndOfStream() == nil)  // already agreed
    }

    @Test func fuzzEntryNeverTraps() {
        var generator = SplitMix64(seed: 0xF022)
        let seeds: [[UInt8]] = [
            [0x03] + Self.header + Self.frame("/yamux/1.0.0") + [1, 2, 3],
            [0x00] + Self.header + Self.frame("na") + Self.frame("/mplex/6.7.0") + [9],
            [0x0F] + Self.header + Self.frame("ls") + Self.frame("/noise"),
            [0x01] + MultistreamListing.encode(["/a", "/b"]),
        ]
        for seed in seeds { Multistream.fuzz(seed) }
        for _ in 0..<3000 {
            var input = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + generator.next() % 3) {
                let position = Int(generator.next() % UInt64(input.count + 1))
                switch generator.next() % 3 {
                case 0 where position < input.count: input[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: input.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: input = Array(input.prefix(position))
                }
            }
            Multistream.fuzz(input)
        }
        Multistream.fuzz([])
        Multistream.fuzz([UInt8](repeating: 0xFF, count: 5000))
    }
}
