/// `--dry-run` without `call`: each line of standard input is parsed and the request it
/// becomes is printed as one compact JSON line; nothing is started. For checking scripts.
enum DryRun {
    /// Prints the requests; returns ``ExitStatus/usage`` if a line could not be parsed.
    static func printRequests() -> Int32 {
        var input = InputLines(fd: 0)
        var envelope = RequestEnvelope()
        var lineNumber = 0
        var rejected = false
        var ended = false
        while !ended {
            let read = input.readAvailable()
            ended = read.ended
            for line in read.lines {
                lineNumber += 1
                do {
                    if let frame = envelope.frame(for: try RequestLine.parse(line)) { Console.out(frame.compactString) }
                } catch {
                    rejected = true
                    Console.err("rpc-client: line \(lineNumber): \(error)")
                }
            }
        }
        return rejected ? ExitStatus.usage : ExitStatus.success
    }
}
