#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import CEditLine
import Synchronization

/// Lines that libedit's callback handed over and ``TerminalPrompt`` has not taken yet;
/// nil stands for the end of input. (The callback is a C function: it cannot capture.)
private let finishedLines = Mutex<[String?]>([])

/// libedit in its callback mode: the event loop calls ``readAvailable()`` when the terminal
/// has input, so engine output can be printed between keystrokes, above the prompt.
///
/// History lives in `~/.variance_rpc_history` (or `$VARIANCE_RPC_HISTORY`), at most
/// ``historyLimit`` entries; tab completes method names and then their param names.
final class TerminalPrompt: PromptInput {
    /// Most history entries kept.
    static let historyLimit: Int32 = 1000

    private let historyPath: String?
    private let prompt: String
    private var isOpen = true
    /// Ctrl-D was pressed (rather than `:quit` typed under a fresh prompt).
    private var reachedEnd = false

    /// Sets up libedit and shows the prompt.
    init(prompt: String, historyPath: String?) {
        self.historyPath = historyPath
        self.prompt = prompt
        rl_readline_name = UnsafePointer(strdup("variance"))
        // The client handles SIGINT itself (see InterruptSignal); libedit leaves signals alone.
        rl_catch_signals = 0
        LineCompletion.install()
        using_history()
        stifle_history(Self.historyLimit)
        if let historyPath { _ = read_history(historyPath) }
        installHandler()
    }

    /// (Re)installs the line handler, which also puts libedit back in its character-at-a-time
    /// mode and shows a fresh prompt. libedit leaves that mode after each finished line, and
    /// would otherwise read the next line in one blocking call.
    private func installHandler() {
        rl_callback_handler_install(prompt) { line in
            finishedLines.withLock { $0.append(line.map { String(cString: $0) }) }
            free(line)
        }
    }

    func readAvailable() -> (lines: [String], ended: Bool) {
        rl_callback_read_char()
        let taken = finishedLines.withLock { lines in
            defer { lines.removeAll() }
            return lines
        }
        var lines: [String] = []
        for line in taken {
            guard let line else {
                reachedEnd = true
                return (lines, true)
            }
            lines.append(line)
            remember(line)
        }
        if !taken.isEmpty { installHandler() }
        return (lines, false)
    }

    func show(_ text: String) {
        guard isOpen else {
            Console.out(text)
            return
        }
        // Clear the prompt line, print, and let libedit draw the prompt and the typed text again.
        Console.write("\r\u{1B}[K" + text + "\n", to: STDOUT_FILENO)
        rl_forced_update_display()
    }

    func interrupt() {
        guard isOpen else { return }
        // Leaving and re-entering character mode resets libedit's line (rl_replace_line
        // ignores an empty replacement) and draws a fresh prompt.
        Console.write("^C\n", to: STDOUT_FILENO)
        rl_callback_handler_remove()
        installHandler()
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        rl_callback_handler_remove()
        // After Ctrl-D move off the prompt line; after :quit remove the fresh, empty prompt.
        Console.write(reachedEnd ? "\n" : "\r\u{1B}[K", to: STDOUT_FILENO)
    }

    /// Adds a line to the history and rewrites the history file (created owner-only), if
    /// ``HistoryPolicy`` keeps it.
    private func remember(_ line: String) {
        let previous = history_get(history_base + history_length - 1)?.pointee.line.map { String(cString: $0) }
        guard HistoryPolicy.keeps(line, after: previous) else { return }
        _ = add_history(line)
        if let historyPath {
            let previousMask = umask(0o077)
            _ = write_history(historyPath)
            umask(previousMask)
        }
    }

    /// `$VARIANCE_RPC_HISTORY`, else `~/.variance_rpc_history`; nil if neither can be named.
    static var defaultHistoryPath: String? {
        if let path = getenv("VARIANCE_RPC_HISTORY") { return String(cString: path) }
        if let home = getenv("HOME") { return String(cString: home) + "/.variance_rpc_history" }
        return nil
    }
}
