/// The texts `:help` shows.
enum ReplHelp {
    /// `:help` with no argument.
    static let overview = """
        Type a request and press Enter; replies and notifications appear as they arrive.
          method key=value ...     e.g.  identity.create username=alice passphrase="correct horse"
                                         messages.list conversation=did:key:z6Mk... limit=20
            a value that is JSON (42, true, null, [..], {..}, "text") is sent as JSON,
            anything else as a string; 'single quotes' keep text as is; key:=value insists on JSON.
          {"method": "engine.info"}  raw JSON: a request or a [batch]; jsonrpc and id are added
                                     when "jsonrpc" is missing.
        Commands:
          :help [METHOD]   this text, or a method's summary and params
          :methods         the engine's methods
          :replay [AFTER]  the events after seq AFTER (default 0), from events.replay
          :quit            close the engine's input, wait for it to exit (also Ctrl-D)
        Shorthands:
          /msg CONVERSATION TEXT   messages.send: CONVERSATION is a DID, @name or group id;
                                   TEXT is the rest of the line, as typed (no quotes needed)
        Tab completes method names, then param names.
        """

    /// `:help METHOD`.
    static func describe(_ method: MethodCatalog.Method) -> String {
        var lines = [method.name + (method.summary.isEmpty ? "" : ": " + method.summary)]
        if method.params.isEmpty { lines.append("  (no params)") }
        for param in method.params {
            let flag = param.isRequired ? " (required)" : ""
            lines.append("  \(param.name)\(flag)" + (param.summary.isEmpty ? "" : ": " + param.summary))
        }
        return lines.joined(separator: "\n")
    }
}
