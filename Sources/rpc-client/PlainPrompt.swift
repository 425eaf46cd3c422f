/// Interactive output (`--repl`) over input that is not a terminal: no editing, no prompt.
final class PlainPrompt: PromptInput {
    private var input: InputLines

    init(fd: Int32) { input = InputLines(fd: fd) }

    func readAvailable() -> (lines: [String], ended: Bool) { input.readAvailable() }

    func show(_ text: String) { Console.out(text) }

    func interrupt() {}

    func close() {}
}
