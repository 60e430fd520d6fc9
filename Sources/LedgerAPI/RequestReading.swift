import Crypto
import Foundation
public import Hummingbird
public import LedgerApplication
import LedgerCore
import LedgerStorage
import NIOCore
import WireContract

/// The request-reading rules every route shares: content type, body size, idempotency
/// keys, pagination and date parameters. Each failure is a 4xx problem before any work.
public enum RequestReading {
    /// The request body, at most `limits.bodyBytesMax` bytes (413 beyond).
    ///
    /// A non-empty body must be declared as JSON (415 otherwise); an empty body is
    /// allowed only when `allowsEmpty` (actions such as close and reverse).
    public static func body(
        of request: Request, limits: RequestLimits, allowsEmpty: Bool = false
    ) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.bodyBytesMax {
            throw Problem.bodyTooLarge(limits.bodyBytesMax)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limits.bodyBytesMax)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limits.bodyBytesMax)
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty && allowsEmpty { return bytes }
        guard isJSON(request.headers[.contentType]) else { throw Problem.unsupportedMediaType }
        return bytes
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
    }

    /// The idempotency claim of a write, when the client sent `Idempotency-Key`.
    ///
    /// The fingerprint covers method, path and body, so reusing a key for any other
    /// request is detected as a conflict.
    ///
    /// Keys are scoped to the principal: two keys holders using the same key text never
    /// see each other's responses.
    static func idempotency<Value: Sendable>(
        _ request: Request, body: [UInt8], principal: Principal,
        render: @escaping @Sendable (Value) throws -> StoredResponse
    ) throws -> Idempotency<Value>? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard IdempotencyKeyText.isValid(key) else {
            throw Problem.invalidIdempotencyKey(
                title: "The Idempotency-Key header is invalid",
                detail: "use 1 to \(Limits.idempotencyKeyLengthMax) visible ASCII characters, e.g. a UUID"
            )
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        return Idempotency(
            key: "\(principal.keyID ?? "system")/\(key)", fingerprint: Array(hasher.finalize()), render: render
        )
    }

    /// The `limit` and `cursor` query parameters as a page request.
    static func page(_ request: Request, limits: RequestLimits) throws -> PageRequest {
        let query = request.uri.queryParameters
        var limit = min(Limits.pageSizeDefault, limits.pageSizeMax)
        if let text = query.get("limit") {
            guard let value = Int(text), (1...limits.pageSizeMax).contains(value) else {
                throw Problem.invalidParameter("limit", "must be an integer from 1 to \(limits.pageSizeMax)")
            }
            limit = value
        }
        var cursor: PageCursor?
        if let text = query.get("cursor") {
            let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            guard !text.isEmpty, text.count <= 512, text.allSatisfy(alphabet.contains) else {
                throw Problem.invalidParameter("cursor", "must be the URL-safe base64 next_cursor of a previous page")
            }
            guard let decoded = PageCursor(encoded: text) else { throw Problem.invalidCursor }
            cursor = decoded
        }
        return PageRequest(limit: limit, cursor: cursor)
    }

    /// An optional date query parameter.
    static func date(_ request: Request, _ name: String) throws -> LocalDate? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let date = LocalDate(text) else {
            throw Problem.invalidParameter(name, "must be a calendar date YYYY-MM-DD")
        }
        return date
    }

    /// A query parameter naming one case of `Choice` (`?status=paid`), nil when absent;
    /// 400 listing every case otherwise.
    static func choice<Choice: RawRepresentable & CaseIterable>(
        _ request: Request, _ name: String, as _: Choice.Type
    ) throws -> Choice? where Choice.RawValue == String {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue)
            let choices = "\(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")"
            throw Problem.invalidParameter(name, "must be \(choices)")
        }
        return value
    }

    /// A path parameter, percent-decoded (`assets%3Abank` → `assets:bank`).
    static func pathParameter(_ context: some RequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding else {
            throw Problem.invalidParameter(name, "is missing or badly percent-encoded")
        }
        return decoded
    }

    /// An account path or query parameter: a code or an id.
    static func accountReference(_ text: String, parameter: String) throws -> AccountReference {
        guard let reference = AccountReference(text) else {
            throw Problem.invalidParameter(parameter, "must be an account code (assets:bank:usd) or id (acc_…)")
        }
        return reference
    }
}

extension HTTPFields.Element.Name {
    /// `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header).
    static let idempotencyKey = Self("Idempotency-Key")!
    /// Set on a response replayed for a repeated idempotency key.
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
