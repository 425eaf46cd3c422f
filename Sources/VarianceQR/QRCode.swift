import CQREncode

/// A QR code (through libqrencode), rendered as terminal text and as a PNG.
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row-major, `true` = dark.
    public let modules: [Bool]

    /// Encodes `text` (8-bit mode, error correction M, the smallest version that fits).
    /// - Throws: ``QRCodeError`` when it does not fit in a QR code.
    public init(text: String) throws(QRCodeError) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { throw .tooLong(text.utf8.count) }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        modules = data.map { $0 & 1 == 1 }
    }

    init(size: Int, modules: [Bool]) {
        self.size = size
        self.modules = modules
    }

    /// Whether the module at (x, y) is dark; outside the code (the quiet zone) it is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// Terminal text, two module rows per line, with a quiet zone of `quiet` modules: light
    /// modules are drawn (█ ▀ ▄), dark ones left blank, so the code reads correctly on the
    /// usual light-on-dark terminal.
    public func terminalText(quiet: Int = 2) -> String {
        var lines: [String] = []
        var y = -quiet
        while y < size + quiet {
            var line = ""
            for x in -quiet..<(size + quiet) {
                let top = !isDark(x: x, y: y)
                let bottom = y + 1 < size + quiet ? !isDark(x: x, y: y + 1) : false
                line += top ? (bottom ? "█" : "▀") : (bottom ? "▄" : " ")
            }
            lines.append(line)
            y += 2
        }
        return lines.joined(separator: "\n")
    }

    /// A PNG: 1-bit grayscale, `scale` pixels per module, a quiet zone of 4 modules.
    public func png(scale: Int = 4, quiet: Int = 4) -> [UInt8] {
        let side = (size + 2 * quiet) * scale
        let rowBytes = (side + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * side)
        for py in 0..<side {
            raw.append(0)  // filter: none
            var byte: UInt8 = 0
            for px in 0..<side {
                // 1 = white in grayscale.
                if !isDark(x: px / scale - quiet, y: py / scale - quiet) { byte |= 0x80 >> UInt8(px % 8) }
                if px % 8 == 7 || px == side - 1 {
                    raw.append(byte)
                    byte = 0
                }
            }
        }
        return PNG.encode(width: side, height: side, bitDepth: 1, colorType: 0, scanlines: raw)
    }
}

/// Why a QR code could not be made.
public enum QRCodeError: Error, Sendable, Equatable {
    /// The text (this many bytes) does not fit in the largest QR code.
    case tooLong(Int)
}
