/// The libFuzzer entry point of the records people exchange outside a session: invite
/// links (`variance://invite/…`, as text and as the bytes behind the link), username claims
/// under a key taken from the input, and the name normalizer. Never traps.
public enum RecordsFuzz {
    public static func fuzz(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? Invite(link: text, now: 1_800_000_000_000)
        _ = try? Invite(link: "variance://invite/" + text, now: 1_800_000_000_000)
        _ = Username.normalize(text)
        // The first byte splits the input into a key (after the prefix) and a claim.
        let split = min(Int(bytes.first ?? 0) % 64, max(bytes.count - 1, 0))
        let name = String(decoding: bytes.dropFirst().prefix(split), as: UTF8.self)
        let claim = Array(bytes.dropFirst(1 + split))
        _ = try? UsernameClaim(bytes: claim, key: Username.key(name), now: 1_800_000_000_000)
        _ = try? UsernameClaim(bytes: bytes, key: Username.key("alice"), now: 1_800_000_000_000)
    }
}
