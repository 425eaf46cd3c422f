import Foundation
import Testing
@testable import VarianceIdentity

struct MnemonicTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let entropy: [UInt8]
        let words: [String]
        let seed: [UInt8]
        var testDescription: String { "\(words.count) words, entropy \(entropy.hex.prefix(8))…" }
    }

    /// The `english` set of vectors.json: [entropy, mnemonic, seed (passphrase "TREZOR"), xprv].
    static let englishVectors: [Vector] = {
        let root = try! Vectors.json("bip39/vectors.json") as! [String: Any]
        let english = root["english"] as! [[String]]
        return english.map { row in
            Vector(entropy: [UInt8](hex: row[0]), words: row[1].split(separator: " ").map(String.init), seed: [UInt8](hex: row[2]))
        }
    }()

    @Test func wordlistMatchesVectorFile() throws {
        let text = String(decoding: try Vectors.data("bip39/english.txt"), as: UTF8.self)
        let words = text.split(separator: "\n").map(String.init)
        #expect(words.count == 2048)
        #expect(Mnemonic.englishWordlist == words)
    }

    @Test func hasAllEnglishVectors() {
        #expect(Self.englishVectors.count == 24)
    }

    @Test(arguments: englishVectors)
    func entropyToMnemonicAndBack(vector: Vector) throws {
        #expect(Mnemonic.mnemonic(fromEntropy: vector.entropy) == vector.words)
        #expect(try Mnemonic.entropy(from: vector.words) == vector.entropy)
    }

    @Test(arguments: englishVectors)
    func mnemonicToSeedWithTrezorPassphrase(vector: Vector) {
        #expect(Mnemonic.seed(from: vector.words, passphrase: "TREZOR") == vector.seed)
    }

    @Test func pbkdf2MultiBlockOutput() {
        // 80 bytes = two PBKDF2 blocks. Expected value from Python
        // hashlib.pbkdf2_hmac("sha512", b"password", b"salt", 2, 80).
        let output = PBKDF2.hmacSHA512(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 2, keyLength: 80)
        #expect(output.hex == Self.pbkdf2Expected)
    }

    static let pbkdf2Expected =
        "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e473e311ad827b68945f4e2dddb204c78"

    @Test(arguments: [12, 15, 18, 21, 24])
    func generatesValidMnemonics(wordCount: Int) throws {
        let words = Mnemonic.generate(wordCount: wordCount)
        #expect(words.count == wordCount)
        #expect(try Mnemonic.entropy(from: words).count == wordCount / 3 * 4)
        #expect(Mnemonic.generate(wordCount: wordCount) != words)
    }

    @Test func defaultIs24Words() {
        #expect(Mnemonic.generate().count == 24)
    }

    @Test func refusesBadChecksum() {
        // The last word carries the checksum; "about" is right, "above" is not.
        var words = Array(repeating: "abandon", count: 11) + ["about"]
        #expect(throws: Never.self) { try Mnemonic.entropy(from: words) }
        words[11] = "above"
        #expect(throws: IdentityError.badChecksum) { try Mnemonic.entropy(from: words) }
        // Two words swapped ("hamster diagram" → "diagram hamster"), 24 words.
        var swapped = Self.englishVectors[14].words
        swapped.swapAt(0, 1)
        #expect(throws: IdentityError.badChecksum) { try Mnemonic.entropy(from: swapped) }
    }

    @Test func refusesUnknownWordByPositionOnly() {
        var words = Self.englishVectors[0].words
        words[4] = "bitcoinz"
        #expect(throws: IdentityError.invalidMnemonic("word 5 is not in the BIP39 English list")) {
            try Mnemonic.entropy(from: words)
        }
        do {
            _ = try Mnemonic.entropy(from: words)
        } catch {
            #expect(!error.description.contains("bitcoinz"))
        }
        words[4] = "Abandon"
        #expect(throws: IdentityError.invalidMnemonic("word 5 is not in the BIP39 English list")) {
            try Mnemonic.entropy(from: words)
        }
    }

    @Test(arguments: [0, 1, 11, 13, 23, 25])
    func refusesWrongWordCount(count: Int) {
        #expect(throws: IdentityError.invalidMnemonic("expected 12, 15, 18, 21 or 24 words, got \(count)")) {
            try Mnemonic.entropy(from: Array(repeating: "abandon", count: count))
        }
    }

    @Test func splitsAndLowercasesPhrases() throws {
        let words = Mnemonic.words(fromPhrase: "  Legal WINNER\tthank\nyear wave sausage worth useful legal winner thank yellow ")
        #expect(words == Self.englishVectors[1].words)
        #expect(try Mnemonic.entropy(from: words) == Self.englishVectors[1].entropy)
    }
}
