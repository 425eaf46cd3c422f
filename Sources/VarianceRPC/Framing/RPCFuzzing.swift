/// What a fuzzer feeds: arbitrary bytes through the framing, the JSON parser, the request
/// classifier and every method's params decoder. Nothing here may trap.
public enum RPCFuzzing {
    public static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        var decoder = FrameDecoder(maxMessageBytes: 4096)
        // The first byte picks a chunk size, so message boundaries fall everywhere.
        let step = Int(first % 64) + 1
        var offset = 1
        var messages: [[UInt8]] = []
        while offset < bytes.count {
            let end = min(offset + step, bytes.count)
            decoder.append(Array(bytes[offset..<end]))
            offset = end
            while decoder.next({ body, _ in messages.append(Array(body)) }) != nil {}
        }
        _ = decoder.finish { body, _ in messages.append(Array(body)) }
        for message in messages { handle(message) }
        handle(Array(bytes.dropFirst()))
    }

    private static func handle(_ message: [UInt8]) {
        guard let value = try? JSONParser.parse(message) else { return }
        _ = value.bytes
        let elements = value.arrayValue ?? [value]
        for element in elements {
            switch RPCIncoming.classify(element) {
            case .request(_, _, let params), .notification(_, let params):
                for method in RPCRegistry.methods { _ = try? method.decodeAnyParams(params) }
            case .invalid:
                break
            }
        }
    }
}

extension RPCMethod {
    /// Decodes params, discarding the type (for fuzzing every method with one input).
    static func decodeAnyParams(_ params: JSON?) throws(RPCError) -> any RPCParams {
        try decodeParams(params)
    }
}
