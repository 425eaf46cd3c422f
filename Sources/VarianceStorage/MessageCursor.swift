/// The position after which an older page starts: the `(sentAt, id)` of the last message
/// shown. Encoded as `<sentAt>.<id>`; callers treat the string as opaque.
///
/// Because the key is the full sort key and not a row offset, pages neither skip nor repeat
/// messages when messages are inserted or expire between page reads.
struct MessageCursor: Equatable {
    var sentAt: Int64
    var id: String

    init(sentAt: Int64, id: String) {
        self.sentAt = sentAt
        self.id = id
    }

    init?(_ text: String) {
        guard let dot = text.firstIndex(of: "."), let sentAt = Int64(text[..<dot]) else { return nil }
        let id = String(text[text.index(after: dot)...])
        guard !id.isEmpty else { return nil }
        self.init(sentAt: sentAt, id: id)
    }

    var encoded: String { "\(sentAt).\(id)" }
}
