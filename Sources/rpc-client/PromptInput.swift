/// Where the interactive session's lines come from, and how it prints between them.
protocol PromptInput: AnyObject {
    /// Reads what is available (the input is known to be readable): complete lines, and
    /// whether the input has ended (Ctrl-D).
    func readAvailable() -> (lines: [String], ended: Bool)
    /// Prints `text` (and a new line) without disturbing the line being typed.
    func show(_ text: String)
    /// Ctrl-C: drops the line being typed.
    func interrupt()
    /// Stops reading: restores the terminal, saves history. `show` still works afterwards.
    func close()
}
