/// The reading half both sides of multistream-select share: length-prefixed messages,
/// bounded in size (the first can only be the header) and in total bytes.
struct MultistreamReader: Sendable {
    /// The length of the header's payload, newline included.
    private static let headerLength = MultistreamMessage.headerText.utf8.count + 1

    private let limits: MultistreamLimits
    private var decoder: LengthPrefixedDecoder
    private var negotiationBytes = 0

    init(limits: MultistreamLimits) {
        self.limits = limits
        decoder = LengthPrefixedDecoder(maxMessageLength: limits.maxMessageLength)
    }

    mutating func append(_ bytes: [UInt8]) { decoder.append(bytes) }

    /// Bytes received after the last message taken (they belong to the next protocol).
    mutating func takeBuffered() -> [UInt8] { decoder.takeBuffered() }

    /// The next whole message, or nil when more bytes are needed.
    mutating func next(expectingHeader: Bool) throws(MultistreamError) -> MultistreamMessage? {
        let payload: [UInt8]?
        do {
            // The first message can only be the header: refuse anything longer at once.
            payload = try decoder.next(maxLength: expectingHeader ? Self.headerLength : limits.maxMessageLength)
        } catch .messageTooLong where expectingHeader {
            throw .missingHeader
        } catch {
            throw MultistreamError(error)
        }
        guard let payload else { return nil }
        negotiationBytes += Varint.encodedLength(UInt64(payload.count)) + payload.count
        guard negotiationBytes <= limits.maxNegotiationBytes else {
            throw .negotiationTooLong(limit: limits.maxNegotiationBytes)
        }
        return try MultistreamMessage(payload: payload)
    }
}
