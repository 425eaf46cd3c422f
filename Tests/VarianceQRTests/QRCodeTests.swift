import Foundation
import Testing
@testable import VarianceQR

/// QR codes through libqrencode, checked by readers we did not write: Python's zlib for the
/// PNG's pixels, and zbarimg (Debian's zbar-tools) for the code itself.
struct QRCodeTests {
    let text = "variance://invite/uCpsBCgEBEjhkaWQ6a2V5Ono2TWtoYVhnQlpEdm90RGtMNTI1N2ZhaXp0aUdpQzJRdEtMR3Bibm5FR3RhMmRvSw"

    @Test func terminalTextHasTwoModuleRowsPerLine() throws {
        let code = try QRCode(text: text)
        let lines = code.terminalText(quiet: 2).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == (code.size + 4 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == code.size + 4 })
        // The quiet zone is light: drawn as full blocks.
        #expect(lines[0].allSatisfy { $0 == "█" })
        // The finder pattern's top-left corner module is dark: blank in the upper half.
        let firstCodeLine = Array(lines[1])
        #expect(firstCodeLine[2] == " " || firstCodeLine[2] == "▄")
    }

    @Test func pngPixelsAreTheModules() throws {
        let code = try QRCode(text: text)
        let png = code.png(scale: 3, quiet: 4)
        let decoded = try python("""
            import sys, struct, zlib
            data = sys.stdin.buffer.read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat, width = 8, b'', 0
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos+8])
                body = data[pos+8:pos+8+n]
                assert zlib.crc32(kind + body) == struct.unpack('>I', data[pos+8+n:pos+12+n])[0]
                if kind == b'IHDR':
                    width, height, depth, color = struct.unpack('>IIBB', body[:10])
                    assert (depth, color) == (1, 0)
                if kind == b'IDAT':
                    idat += body
                pos += 12 + n
            raw = zlib.decompress(idat)
            row = (width + 7) // 8 + 1
            out = []
            for y in range(width):
                line = raw[y*row+1:(y+1)*row]
                out.append(''.join('1' if not (line[x // 8] >> (7 - x % 8)) & 1 else '0' for x in range(width)))
            print('\\n'.join(out))
            """, input: png)
        let rows = decoded.split(separator: "\n")
        let side = (code.size + 8) * 3
        #expect(rows.count == side)
        for y in stride(from: 0, to: side, by: 3) {
            for x in stride(from: 0, to: side, by: 3) {
                let dark = Array(rows[y])[x] == "1"
                #expect(dark == code.isDark(x: x / 3 - 4, y: y / 3 - 4))
            }
        }
    }

    @Test func zbarReadsBackTheText() throws {
        let code = try QRCode(text: text)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("variance-qr-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(code.png()).write(to: file)
        let read = try run("/usr/bin/zbarimg", ["--quiet", "--raw", file.path])
        #expect(read.trimmingCharacters(in: .whitespacesAndNewlines) == text)
    }

    @Test func tooLongForAQRCode() {
        #expect(throws: QRCodeError.self) { try QRCode(text: String(repeating: "x", count: 5000)) }
    }

    private func python(_ script: String, input: [UInt8]) throws -> String {
        try run("/usr/bin/env", ["python3", "-c", script], input: input)
    }

    private func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(arguments.first ?? "") failed")
        return String(decoding: output, as: UTF8.self)
    }
}
