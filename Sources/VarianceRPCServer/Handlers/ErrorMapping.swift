import VarianceEngine
import VarianceRPC

/// Engine errors as contract error codes.
enum ErrorMapping {
    static func rpcError(_ error: EngineError) -> RPCError {
        switch error {
        case .noIdentity, .locked: .noIdentity(error.message)
        case .conflict: .conflict(error.message)
        case .crypto: .cryptoFailure(error.message)
        case .notFound: .notFound(error.message)
        case .unreachable: RPCError(code: RPCErrorCode.unreachable, message: error.message)
        case .invalid(let field, let reason): .invalidParams(field: field, reason: reason)
        case .diskFull: RPCError(code: RPCErrorCode.internalError, message: error.message, data: ["reason": "disk full"])
        case .invalidConfiguration, .storage: RPCError(code: RPCErrorCode.internalError, message: error.message)
        case .internalError: .internalError
        }
    }
}
