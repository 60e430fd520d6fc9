public import Hummingbird
import LedgerStorage
import WireContract

/// JSON responses: bodies encoded by `JSONBody` (WireContract), sent as `application/json`.
public enum JSONResponse {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(status: status, body: try JSONBody.bytes(value))
    }

    public static func make(status: HTTPResponse.Status, body: [UInt8], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The response for a write: the fresh rendering, or the stored one on a replay.
    static func response<Value: Sendable>(
        _ outcome: WriteOutcome<Value>, render: (Value) throws -> StoredResponse
    ) throws -> Response {
        switch outcome {
        case .applied(let value):
            let stored = try render(value)
            return make(status: .init(code: stored.status), body: stored.body)
        case .replayed(let stored):
            return make(status: .init(code: stored.status), body: stored.body, headers: [.idempotentReplayed: "true"])
        }
    }
}
