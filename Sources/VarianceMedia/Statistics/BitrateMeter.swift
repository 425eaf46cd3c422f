/// Bits per second over a sliding window of recent packets. Holds at most
/// `maximumSamples` entries; older ones are forgotten first.
public struct BitrateMeter: Sendable {
    /// How far back the rate looks.
    public let window: Duration
    /// Packets remembered at most.
    public let maximumSamples: Int
    private var samples: [(time: Duration, bytes: Int)] = []
    private var head = 0
    private var total = 0

    /// A meter over `window`, 1 s by default.
    public init(window: Duration = .seconds(1), maximumSamples: Int = 4_096) {
        self.window = window
        self.maximumSamples = max(maximumSamples, 1)
    }

    /// Counts `bytes` sent or received at `time`.
    public mutating func record(bytes: Int, at time: Duration) {
        samples.append((time, bytes))
        total += bytes
        expire(before: time - window)
        while samples.count - head > maximumSamples {
            total -= samples[head].bytes
            head += 1
        }
        compact()
    }

    /// The rate over the window ending at `now`, in bits per second.
    public mutating func bitsPerSecond(now: Duration) -> Double {
        expire(before: now - window)
        compact()
        let seconds = window.seconds
        return seconds > 0 ? Double(total * 8) / seconds : 0
    }

    private mutating func expire(before cutoff: Duration) {
        while head < samples.count, samples[head].time <= cutoff {
            total -= samples[head].bytes
            head += 1
        }
    }

    private mutating func compact() {
        if head > 256, head * 2 > samples.count {
            samples.removeFirst(head)
            head = 0
        }
    }
}
