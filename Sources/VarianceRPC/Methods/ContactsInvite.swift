/// `contacts.invite {expiresIn?}`: a signed `variance://invite/…` link naming our DID, peer ID
/// and addresses, with its QR code as terminal text and as a PNG (base64).
public enum ContactsInvite: RPCMethod {
    public static let name = "contacts.invite"

    public struct Params: RPCParams {
        /// Seconds the invite stays valid (default 7 days, at most 30).
        public var expiresIn: Int64?

        public init(from params: ParamsReader) throws(RPCError) {
            expiresIn = try params.optionalInt("expiresIn")
            if let expiresIn, !(1...2_592_000).contains(expiresIn) {
                throw RPCError.invalidParams(field: "expiresIn", reason: "must be 1...2592000 seconds (30 days)")
            }
        }
    }

    public struct Result: RPCResult {
        public var link: String
        public var qr: String
        public var png: String
        public var expiresAt: String

        public init(link: String, qr: String, png: String, expiresAt: String) {
            self.link = link
            self.qr = qr
            self.png = png
            self.expiresAt = expiresAt
        }

        public var json: JSON {
            ["link": .string(link), "qr": .string(qr), "png": .string(png), "expiresAt": .string(expiresAt)]
        }
    }
}
