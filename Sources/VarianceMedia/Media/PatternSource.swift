/// A moving test picture (`pattern`): diagonal luma ramps scrolling sideways, a bright
/// square bouncing across them, and chroma bands, so that every frame differs from the last.
public final class PatternSource: VideoSource {
    /// Picture width in pixels.
    public let width: Int
    /// Picture height in pixels.
    public let height: Int
    /// Nominal frame rate (the source does not pace itself).
    public let framesPerSecond: Int
    /// Frames to produce, or nil for an endless source.
    public let frameLimit: Int?
    /// Frames produced so far.
    public private(set) var frameIndex = 0

    /// Defaults: 640×480 at 30 fps, endless.
    public init(width: Int = 640, height: Int = 480, framesPerSecond: Int = 30, frameLimit: Int? = nil) {
        self.width = max(width, 2)
        self.height = max(height, 2)
        self.framesPerSecond = max(framesPerSecond, 1)
        self.frameLimit = frameLimit
    }

    /// The next picture, or nil past `frameLimit`.
    public func nextFrame() -> I420Frame? {
        if let frameLimit, frameIndex >= frameLimit { return nil }
        let frame = Self.render(index: frameIndex, width: width, height: height)
        frameIndex += 1
        return frame
    }

    /// Frame `index` of the pattern (a pure function of its arguments).
    public static func render(index: Int, width: Int, height: Int) -> I420Frame {
        var frame = I420Frame(width: width, height: height)
        let shift = index * 4
        let side = max(min(width, height) / 6, 2)
        let travelX = max(width - side, 1)
        let travelY = max(height - side, 1)
        let bounceX = bounce(index * 7, travelX)
        let bounceY = bounce(index * 5, travelY)
        let chromaWidth = frame.chromaWidth
        let chromaHeight = frame.chromaHeight
        let uStart = frame.uRange.lowerBound
        let vStart = frame.vRange.lowerBound
        frame.data.withUnsafeMutableBufferPointer { pixels in
            for row in 0..<height {
                let rowStart = row * width
                let insideRows = row >= bounceY && row < bounceY + side
                for column in 0..<width {
                    var luma = 16 + ((column + row + shift) & 0xFF) * 219 / 255
                    if insideRows && column >= bounceX && column < bounceX + side { luma = 235 }
                    pixels[rowStart + column] = UInt8(luma)
                }
            }
            for row in 0..<chromaHeight {
                for column in 0..<chromaWidth {
                    let band = ((column * 8) / chromaWidth + index / 30) % 8
                    pixels[uStart + row * chromaWidth + column] = UInt8(64 + band * 16)
                    pixels[vStart + row * chromaWidth + column] = UInt8(192 - band * 16)
                }
            }
        }
        return frame
    }

    /// Position on a back-and-forth path of length `travel`.
    private static func bounce(_ distance: Int, _ travel: Int) -> Int {
        let cycle = distance % (2 * travel)
        return cycle < travel ? cycle : 2 * travel - cycle
    }
}
