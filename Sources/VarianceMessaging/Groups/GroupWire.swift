import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `/variance/group/keypackage/1.0.0` and `/variance/group/sync/1.0.0` messages
/// (`protos/variance/group.proto`), decoded with their bounds checked. The MLS bytes they
/// carry are checked by VarianceMLS.
public enum GroupWire {
    public static let version: UInt32 = 1
    /// Entries in one sync response.
    public static let maxSyncEntries = 256
    /// One MLS message in a sync response.
    public static let maxMLSMessageBytes = 96 * 1024
    /// A sync response.
    public static let maxSyncResponseBytes = 4 << 20
    /// A key package response.
    public static let maxKeyPackageResponseBytes = 16 * 1024
    /// A request of either protocol.
    public static let maxRequestBytes = 256

    /// A sync request: the group, the requester's epoch, the cursor and the page size.
    public struct SyncRequest: Sendable, Equatable {
        public var groupID: [UInt8]
        public var epoch: UInt64
        public var after: UInt64
        public var limit: Int

        public init(groupID: [UInt8], epoch: UInt64, after: UInt64, limit: Int) {
            self.groupID = groupID
            self.epoch = epoch
            self.after = after
            self.limit = limit
        }
    }

    /// A page of a member's log, or its refusal.
    public struct SyncResponse: Sendable, Equatable {
        public var messages: [[UInt8]]
        public var next: UInt64
        public var more: Bool
        public var error: String?

        public init(messages: [[UInt8]], next: UInt64, more: Bool, error: String? = nil) {
            self.messages = messages
            self.next = next
            self.more = more
            self.error = error
        }
    }

    public static func encode(_ request: SyncRequest) throws(MessagingError) -> [UInt8] {
        var p = Variance_Group_V1_SyncRequest()
        p.version = version
        p.groupID = Data(request.groupID)
        p.epoch = request.epoch
        p.after = request.after
        p.limit = UInt32(clamping: request.limit)
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("sync request") }
        return bytes
    }

    public static func decodeSyncRequest(_ bytes: [UInt8]) throws(MessagingError) -> SyncRequest {
        guard bytes.count <= maxRequestBytes else { throw .tooLarge("sync request") }
        guard let p = try? Variance_Group_V1_SyncRequest(serializedBytes: bytes) else { throw .malformed("sync request") }
        guard p.version == version else { throw .unsupportedVersion(p.version) }
        guard p.groupID.count == MessagingLimits.groupIDBytes else { throw .malformed("group id") }
        return SyncRequest(
            groupID: Array(p.groupID), epoch: p.epoch, after: p.after, limit: Int(min(max(p.limit, 1), UInt32(maxSyncEntries))))
    }

    public static func encode(_ response: SyncResponse) throws(MessagingError) -> [UInt8] {
        var p = Variance_Group_V1_SyncResponse()
        p.version = version
        p.messages = response.messages.map { Data($0) }
        p.next = response.next
        p.more = response.more
        p.error = response.error ?? ""
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("sync response") }
        guard bytes.count <= maxSyncResponseBytes else { throw .tooLarge("sync response") }
        return bytes
    }

    public static func decodeSyncResponse(_ bytes: [UInt8]) throws(MessagingError) -> SyncResponse {
        guard bytes.count <= maxSyncResponseBytes else { throw .tooLarge("sync response") }
        guard let p = try? Variance_Group_V1_SyncResponse(serializedBytes: bytes) else { throw .malformed("sync response") }
        guard p.version == version else { throw .unsupportedVersion(p.version) }
        guard p.messages.count <= maxSyncEntries else { throw .tooLarge("sync entries") }
        guard p.messages.allSatisfy({ !$0.isEmpty && $0.count <= maxMLSMessageBytes }) else { throw .malformed("sync entry") }
        return SyncResponse(
            messages: p.messages.map { Array($0) }, next: p.next, more: p.more, error: p.error.isEmpty ? nil : p.error)
    }

    public static func encodeKeyPackageRequest() -> [UInt8] {
        var p = Variance_Group_V1_KeyPackageRequest()
        p.version = version
        return (try? p.serializedBytes()) ?? [0x08, 0x01]
    }

    public static func decodeKeyPackageRequest(_ bytes: [UInt8]) throws(MessagingError) {
        guard bytes.count <= maxRequestBytes else { throw .tooLarge("key package request") }
        guard let p = try? Variance_Group_V1_KeyPackageRequest(serializedBytes: bytes) else {
            throw .malformed("key package request")
        }
        guard p.version == version else { throw .unsupportedVersion(p.version) }
    }

    /// A key package (MLSMessage bytes) or a refusal.
    public static func encodeKeyPackageResponse(keyPackage: [UInt8], error: String?) throws(MessagingError) -> [UInt8] {
        var p = Variance_Group_V1_KeyPackageResponse()
        p.version = version
        p.keyPackage = Data(keyPackage)
        p.error = error ?? ""
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("key package response") }
        guard bytes.count <= maxKeyPackageResponseBytes else { throw .tooLarge("key package response") }
        return bytes
    }

    /// The key package's MLSMessage bytes; a refusal throws ``MessagingError/malformed(_:)``
    /// naming the peer's reason.
    public static func decodeKeyPackageResponse(_ bytes: [UInt8]) throws(MessagingError) -> Result<[UInt8], RefusedError> {
        guard bytes.count <= maxKeyPackageResponseBytes else { throw .tooLarge("key package response") }
        guard let p = try? Variance_Group_V1_KeyPackageResponse(serializedBytes: bytes) else {
            throw .malformed("key package response")
        }
        guard p.version == version else { throw .unsupportedVersion(p.version) }
        if !p.error.isEmpty { return .failure(RefusedError(reason: String(p.error.prefix(200)))) }
        guard !p.keyPackage.isEmpty else { throw .malformed("empty key package") }
        return .success(Array(p.keyPackage))
    }

    /// The peer's reason for refusing.
    public struct RefusedError: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The libFuzzer entry point for these decoders.
    public static func fuzz(_ bytes: [UInt8]) {
        _ = try? decodeSyncRequest(bytes)
        _ = try? decodeSyncResponse(bytes)
        _ = try? decodeKeyPackageRequest(bytes)
        _ = try? decodeKeyPackageResponse(bytes)
    }
}
