/// The libFuzzer entry point of the messaging decoders.
extension DirectMessageCodec {
    /// Feeds `bytes` to every decoder here (envelope, content, ack, key request and
    /// response, identity record, the group protocols' messages). Never
    /// traps: every failure is a thrown, ignored error. The first byte picks the DID a
    /// record is verified against (a fixed valid one, or the record's own claim).
    public static func fuzz(_ bytes: [UInt8]) {
        _ = try? decodeEnvelope(bytes)
        _ = try? decodeMessage(bytes)
        _ = try? decodeAck(bytes)
        GroupWire.fuzz(bytes)
        _ = try? KeyRequest(bytes: bytes)
        _ = try? KeyResponse(bytes: bytes).verify(expectedDID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
        if let record = try? UnverifiedIdentityRecord(bytes: bytes) {
            let did = bytes.first.map { $0 & 1 == 0 } == true
                ? record.claimedDID : "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
            _ = try? record.verify(expectedDID: did)
        }
    }
}
