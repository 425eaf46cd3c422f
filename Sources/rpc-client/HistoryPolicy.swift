/// Which lines the interactive history keeps (in memory and in the history file).
///
/// Secrets and private text stay out: a line that mentions a passphrase or a mnemonic is
/// not kept, nor one that sends a message (`/msg ...` or `messages.send ...`: the text is
/// the user's conversation, and the history file is plain text on disk), nor one that
/// starts with a space (as with the shell's `ignorespace`), nor a repeat of the previous
/// line, nor a blank line.
enum HistoryPolicy {
    /// Words that mark a line as holding a secret.
    static let secretWords = ["passphrase", "mnemonic"]
    /// Words that mark a line as holding a message's text.
    static let messageWords = ["/msg", "messages.send"]

    /// Whether to keep `line`, which follows `previous` (nil if the history is empty).
    static func keeps(_ line: String, after previous: String?) -> Bool {
        guard let first = line.unicodeScalars.first, !first.properties.isWhitespace else { return false }
        if line == previous { return false }
        let lowercased = line.lowercased()
        return !(secretWords + messageWords).contains { lowercased.contains($0) }
    }
}
