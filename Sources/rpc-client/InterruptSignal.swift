#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Set by the SIGINT handler, read by the event loop.
private let interruptPending = Atomic<Bool>(false)

/// Ctrl-C at the interactive prompt: noted, not fatal. The event loop's `poll` returns
/// early and the prompt clears its line.
enum InterruptSignal {
    /// Installs the handler (interactive mode only; elsewhere SIGINT keeps its default).
    static func install() {
        signal(SIGINT) { _ in interruptPending.store(true, ordering: .relaxed) }
    }

    /// Gives SIGINT its default action back (once input has ended, Ctrl-C stops the client;
    /// the engine, in its own process group, still finishes on its own).
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
    }

    /// Whether a SIGINT arrived since the last call.
    static func take() -> Bool { interruptPending.exchange(false, ordering: .relaxed) }
}
