#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import CEditLine
import Synchronization

/// What completion knows: the engine's methods (filled in once `rpc.discover` answers).
private let completionCatalog = Mutex(MethodCatalog())
/// The matches of the completion in progress, and how many the generator has handed out.
private let pendingMatches = Mutex<(matches: [String], next: Int)>(([], 0))

/// Tab completion for libedit: the first word completes to a method name or a `:command`;
/// later words complete to `param=` for that method's params.
enum LineCompletion {
    /// The client's own commands and shorthands, offered with the method names.
    static let commands = ReplCommand.words

    /// Points libedit at the completion function.
    static func install() {
        rl_completer_word_break_characters = strdup(" \t\n=")
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1
            let word = text.map { String(cString: $0) } ?? ""
            let before = rl_line_buffer.map { String(String(cString: $0).utf8.prefix(Int(start))) ?? "" } ?? ""
            let candidates: [String]
            if before.trimmingWhitespace().isEmpty {
                candidates = LineCompletion.commands + completionCatalog.withLock { $0.names }
                rl_completion_append_character = Int32(UInt8(ascii: " "))
            } else {
                let method = before.split(separator: " ").first.map(String.init) ?? ""
                candidates = completionCatalog.withLock { $0.method(named: method)?.params.map { $0.name + "=" } } ?? []
                rl_completion_append_character = 0
            }
            let matches = candidates.filter { $0.hasPrefix(word) }
            guard !matches.isEmpty else { return nil }
            pendingMatches.withLock { $0 = (matches, 0) }
            return rl_completion_matches(text) { _, _ in
                pendingMatches.withLock { state in
                    guard state.next < state.matches.count else { return nil }
                    defer { state.next += 1 }
                    return strdup(state.matches[state.next])
                }
            }
        }
    }

    /// Uses the engine's methods from now on.
    static func update(_ catalog: MethodCatalog) {
        completionCatalog.withLock { $0 = catalog }
    }
}
