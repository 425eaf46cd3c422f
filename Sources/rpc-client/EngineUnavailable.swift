/// The engine could not be started, failed, died or did not answer in time: exit status 3.
struct EngineUnavailable: Error, Sendable, CustomStringConvertible {
    /// A sentence saying what happened.
    var description: String

    init(_ description: String) { self.description = description }
}
