import VarianceProtos

/// Arbitrary bytes through everything that reads the media pipe: the frame decoder (whole,
/// then a byte at a time, which must agree), reports as the engine reads them (statistics
/// converted as `calls.stats` would) and commands as the media process reads them. Never
/// traps on bad input; traps on purpose when the two decodings disagree or a frame does not
/// survive a round trip.
public enum MediaIPCFuzzer {
    public static func fuzz(_ data: [UInt8]) {
        var whole = MediaFrameDecoder()
        whole.append(data)
        var payloads: [[UInt8]] = []
        while let payload = try? whole.next() { payloads.append(payload) }
        var bytewise = MediaFrameDecoder()
        var again: [[UInt8]] = []
        for byte in data {
            bytewise.append(CollectionOfOne(byte))
            while let payload = try? bytewise.next() { again.append(payload) }
        }
        precondition(payloads == again, "frames depend on how the bytes were split")
        // The input as one payload too, so that the fuzzer reaches the message decoders fast.
        for payload in payloads + [data] {
            if let report = try? MediaFrame.report(from: payload) {
                if case .stats(let reply)? = report.body, let statistics = CallMediaStatistics(reply) {
                    precondition(statistics.isFinite, "statistics from the pipe carry a non-finite number")
                }
                roundTrip(report)
            }
            if let command = try? MediaFrame.command(from: payload) { roundTrip(command) }
        }
    }

    static func roundTrip(_ report: Variance_MediaReport) {
        guard let framed = try? MediaFrame.encode(report) else { return }
        var decoder = MediaFrameDecoder()
        decoder.append(framed)
        guard let payload = try? decoder.next() else { preconditionFailure("an encoded report does not frame") }
        // Compared as bytes: a NaN from the pipe is not equal to itself.
        let again: [UInt8]? = try? MediaFrame.report(from: payload).serializedBytes()
        precondition(again == Array(framed.dropFirst(MediaFrame.headerBytes)), "a report does not survive a round trip")
    }

    static func roundTrip(_ command: Variance_MediaCommand) {
        guard let framed = try? MediaFrame.encode(command) else { return }
        var decoder = MediaFrameDecoder()
        decoder.append(framed)
        guard let payload = try? decoder.next() else { preconditionFailure("an encoded command does not frame") }
        let again: [UInt8]? = try? MediaFrame.command(from: payload).serializedBytes()
        precondition(again == Array(framed.dropFirst(MediaFrame.headerBytes)), "a command does not survive a round trip")
    }
}
