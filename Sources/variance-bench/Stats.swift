// Summaries of noisy samples: on a shared 2-core machine only medians, minima, maxima and
// ratios of figures taken in the same run mean much.

struct Summary {
    var median: Double
    var min: Double
    var max: Double
    var count: Int

    init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        min = sorted.first!
        max = sorted.last!
        count = sorted.count
    }
}

/// Formats `value` with `decimals` digits after the point and thousands separators.
func fmt(_ value: Double, _ decimals: Int = 1) -> String {
    guard value.isFinite else { return "–" }
    let negative = value < 0
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    var integer = UInt64(scaled / scale)
    var fraction = UInt64(scaled - Double(integer) * scale)
    if fraction >= UInt64(scale) {
        integer += 1
        fraction = 0
    }
    var digits = String(integer)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits = String(digits.dropLast(3))
    }
    grouped = digits + grouped
    if decimals > 0 {
        var f = String(fraction)
        while f.count < decimals { f = "0" + f }
        grouped += "." + f
    }
    return (negative ? "-" : "") + grouped
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

func padLeft(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
