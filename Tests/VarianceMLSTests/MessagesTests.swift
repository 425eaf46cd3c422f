import Testing

@testable import VarianceMLS

@Suite struct MessagesTests {
    private func roundTrip<T: TLSCodable>(_ type: T.Type, _ bytes: [UInt8], _ field: String, _ index: Int) -> T? {
        do {
            let value = try T(tlsSerialized: bytes)
            #expect(value.tlsSerialized == bytes, "\(field) #\(index) re-encodes differently")
            return value
        } catch {
            Issue.record("\(field) #\(index) failed to decode: \(error)")
            return nil
        }
    }

    private func expectWireFormat(_ message: MLSMessage?, _ format: WireFormat, _ field: String) {
        if let message { #expect(message.body.wireFormat == format, "\(field) wire format") }
    }

    @Test func messagesVectors() throws {
        let entries = try MLSVectors.entries("messages.json")
        #expect(entries.count == 300)
        for (index, entry) in entries.enumerated() {
            expectWireFormat(
                roundTrip(MLSMessage.self, try entry.hex("mls_welcome"), "mls_welcome", index), .welcome, "mls_welcome")
            expectWireFormat(
                roundTrip(MLSMessage.self, try entry.hex("mls_group_info"), "mls_group_info", index), .groupInfo,
                "mls_group_info")
            expectWireFormat(
                roundTrip(MLSMessage.self, try entry.hex("mls_key_package"), "mls_key_package", index), .keyPackage,
                "mls_key_package")
            _ = roundTrip(RatchetTree.self, try entry.hex("ratchet_tree"), "ratchet_tree", index)
            _ = roundTrip(GroupSecrets.self, try entry.hex("group_secrets"), "group_secrets", index)
            _ = roundTrip(Add.self, try entry.hex("add_proposal"), "add_proposal", index)
            _ = roundTrip(Update.self, try entry.hex("update_proposal"), "update_proposal", index)
            _ = roundTrip(Remove.self, try entry.hex("remove_proposal"), "remove_proposal", index)
            _ = roundTrip(
                PreSharedKeyProposal.self, try entry.hex("pre_shared_key_proposal"), "pre_shared_key_proposal", index)
            _ = roundTrip(ReInit.self, try entry.hex("re_init_proposal"), "re_init_proposal", index)
            _ = roundTrip(ExternalInit.self, try entry.hex("external_init_proposal"), "external_init_proposal", index)
            _ = roundTrip(
                GroupContextExtensions.self, try entry.hex("group_context_extensions_proposal"),
                "group_context_extensions_proposal", index)
            _ = roundTrip(Commit.self, try entry.hex("commit"), "commit", index)
            for field in ["public_message_application", "public_message_proposal", "public_message_commit"] {
                expectWireFormat(roundTrip(MLSMessage.self, try entry.hex(field), field, index), .publicMessage, field)
            }
            expectWireFormat(
                roundTrip(MLSMessage.self, try entry.hex("private_message"), "private_message", index), .privateMessage,
                "private_message")
        }
    }

    @Test func truncatedMessagesThrow() throws {
        let entry = try MLSVectors.entries("messages.json")[0]
        let bytes = try entry.hex("public_message_commit")
        for length in 0..<bytes.count {
            #expect(throws: MLSError.self) { try MLSMessage(tlsSerialized: Array(bytes.prefix(length))) }
        }
    }
}
