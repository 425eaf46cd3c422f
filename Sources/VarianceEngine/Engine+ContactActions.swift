import VarianceMessaging
import VarianceOlm
import VarianceStorage

/// Contact actions: the safety number, removing and blocking.
extension Engine {
    /// The safety number shared with `did`, over both DIDs and both Olm Curve25519
    /// identity keys. Both sides compute the same digits.
    public func contactFingerprint(did person: String) throws(EngineError) -> String {
        let did = try personDID(person)
        let identity = try readyIdentity()
        let store = try readyStore()
        let contact: StoredContact?
        do { contact = try store.contact(did: did) } catch { throw Self.map(error) }
        guard contact != nil else { throw EngineError.notFound("No contact \(did).") }
        guard let record = try knownRecord(did) else {
            throw EngineError.notFound("The identity record of \(did) is not known yet.")
        }
        let ours = try messagingState().account.curve25519Key.bytes
        return SafetyNumber.compute(
            didA: identity.did, keyA: Array(ours), didB: record.did, keyB: Array(record.curve25519Key.bytes))
    }

    /// Removes a contact (its messages stay).
    public func removeContact(did person: String) throws(EngineError) {
        let did = try personDID(person)
        _ = try readyIdentity()
        let store = try readyStore()
        let removed: Bool
        do { removed = try store.removeContact(did: did) } catch { throw Self.map(error) }
        guard removed else { throw EngineError.notFound("No contact \(did).") }
    }

    /// Blocks or unblocks a contact. A blocked contact's messages are refused.
    public func setContactBlocked(did person: String, _ blocked: Bool) throws(EngineError) {
        let did = try personDID(person)
        _ = try readyIdentity()
        let store = try readyStore()
        let changed: Bool
        do { changed = try store.setBlocked(did: did, blocked) } catch { throw Self.map(error) }
        guard changed else { throw EngineError.notFound("No contact \(did).") }
    }
}
