import Crypto
import Foundation
import Testing
@testable import VarianceIdentity

struct SLIP10Tests {
    struct Step: Sendable, CustomTestStringConvertible {
        let seed: [UInt8]
        let path: [UInt32]
        let chainCode: [UInt8]
        let privateKey: [UInt8]
        let publicKey: [UInt8]
        var testDescription: String { "seed \(seed.hex.prefix(8))… m" + path.map { "/\($0)'" }.joined() }
    }

    /// Tests/Vectors/slip10/ed25519.json: SLIP-0010 ed25519 test vectors 1 and 2.
    static let steps: [Step] = {
        let vectors = try! Vectors.json("slip10/ed25519.json") as! [[String: Any]]
        return vectors.flatMap { vector in
            let seed = [UInt8](hex: vector["seed"] as! String)
            return (vector["chains"] as! [[String: String]]).map { chain in
                let path = chain["path"]!.split(separator: "/").dropFirst().map { UInt32($0.dropLast())! }
                return Step(
                    seed: seed, path: path,
                    chainCode: [UInt8](hex: chain["chain_code"]!),
                    privateKey: [UInt8](hex: chain["private_key"]!),
                    publicKey: [UInt8](hex: chain["public_key"]!))
            }
        }
    }()

    @Test func testVector1MasterAndFirstChildFromSpec() {
        // Values quoted from the SLIP-0010 specification, test vector 1 for ed25519.
        let seed = [UInt8](hex: "000102030405060708090a0b0c0d0e0f")
        let master = SLIP10.masterKey(seed: seed)
        #expect(master.privateKey.hex == "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7")
        #expect(master.chainCode.hex == "90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb")
        let child = SLIP10.hardenedChild(of: master, index: 0)
        #expect(child.privateKey.hex == "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3")
    }

    @Test(arguments: steps)
    func vectorFile(step: Step) throws {
        let key = SLIP10.derive(seed: step.seed, path: step.path)
        #expect(key.privateKey == step.privateKey)
        #expect(key.chainCode == step.chainCode)
        let signing = try Curve25519.Signing.PrivateKey(rawRepresentation: key.privateKey)
        #expect(Array(signing.publicKey.rawRepresentation) == step.publicKey)
    }

    @Test func hasBothVectors() {
        #expect(Self.steps.count == 12)
    }
}
