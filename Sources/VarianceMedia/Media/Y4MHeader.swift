/// The stream header of a YUV4MPEG2 file (`YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg`).
/// Only 4:2:0 8-bit chroma is taken.
public struct Y4MHeader: Sendable, Equatable {
    /// Picture width in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    /// Frame rate as numerator:denominator.
    public var frameRateNumerator: Int
    public var frameRateDenominator: Int

    /// A header for 4:2:0 pictures of this size and rate.
    public init(width: Int, height: Int, frameRateNumerator: Int = 30, frameRateDenominator: Int = 1) {
        self.width = width
        self.height = height
        self.frameRateNumerator = frameRateNumerator
        self.frameRateDenominator = frameRateDenominator
    }

    /// Whole frames per second, rounded; at least 1.
    public var framesPerSecond: Int {
        guard frameRateDenominator > 0 else { return 1 }
        return max(Int((Double(frameRateNumerator) / Double(frameRateDenominator)).rounded()), 1)
    }

    /// Largest picture side accepted, so a hostile header cannot ask for huge frames.
    public static let maximumDimension = 8192

    /// The header line without its newline.
    public var line: String {
        "YUV4MPEG2 W\(width) H\(height) F\(frameRateNumerator):\(frameRateDenominator) Ip A1:1 C420jpeg"
    }

    /// Parses a header line (without the newline).
    public init(parsing line: [UInt8]) throws(MediaParseError) {
        let fields = line.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
        guard fields.first == "YUV4MPEG2" else { throw .inconsistent("not a YUV4MPEG2 stream") }
        var width: Int?
        var height: Int?
        var numerator = 30
        var denominator = 1
        for field in fields.dropFirst() {
            guard let tag = field.first else { continue }
            let value = String(field.dropFirst())
            switch tag {
            case "W": width = Int(value)
            case "H": height = Int(value)
            case "F":
                let parts = value.split(separator: ":")
                guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), n > 0, d > 0 else {
                    throw .inconsistent("Y4M frame rate \(value) is not N:D")
                }
                numerator = n
                denominator = d
            case "C":
                guard value.hasPrefix("420"), !value.hasPrefix("420p1") else {
                    throw .inconsistent("Y4M colour space C\(value) is not supported; use 4:2:0 8-bit (C420jpeg)")
                }
            default:
                continue  // interlacing, aspect ratio, extensions: irrelevant here
            }
        }
        guard let width, let height, (1...Self.maximumDimension).contains(width), (1...Self.maximumDimension).contains(height) else {
            throw .inconsistent("Y4M header lacks a valid width and height")
        }
        self.init(width: width, height: height, frameRateNumerator: numerator, frameRateDenominator: denominator)
    }
}
