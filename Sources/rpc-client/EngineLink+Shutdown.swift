import VarianceRPC

extension EngineLink {
    /// Closes the engine's input, reads what it still writes (passing each frame to
    /// `onFrame`) until it closes its output, and waits for it to exit.
    func shutDown(onFrame: (JSON) -> Void = { _ in }) -> EngineExit {
        finishInput()
        while true {
            switch next() {
            case .frame(let frame): onFrame(frame)
            case .noise(let text): Self.warnAboutNoise(text)
            case .engineClosed: return process.waitForExit()
            case .inputReadable, .interrupted, .timedOut: continue
            }
        }
    }

    /// Reports a line on the engine's standard output that is not JSON.
    static func warnAboutNoise(_ text: String) {
        Console.err("rpc-client: the engine wrote a line that is not JSON: \(text.prefix(500))")
    }
}
