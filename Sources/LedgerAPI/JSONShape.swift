import Foundation
import LedgerCore

/// The set of keys a request body may contain, checked before decoding so an unknown
/// field is a 400 naming it — a typo in a money field (`"amout"`) never passes silently.
indirect enum JSONShape: Sendable {
    /// Any scalar; its type is checked by decoding.
    case value
    /// A whole number within 64 bits. Checked here because Foundation's decoder reports
    /// fractions and overflows without naming the field.
    case integer
    /// Any JSON (metadata); checked by the core's metadata rules.
    case any
    /// An object with exactly these optional keys.
    case object([String: JSONShape])
    /// An array whose elements have this shape.
    case array(JSONShape)

    /// Whether a parsed JSON number is a whole number the decoder will read exactly.
    ///
    /// JSON has one number type, so `100`, `100.0` and `1e2` are the same integer (as in
    /// JSON Schema); a fraction, or a non-integral spelling beyond 2^53 where a binary
    /// double can no longer tell neighbours apart, is refused.
    static func isWholeNumber(_ number: NSNumber) -> Bool {
        if Int64(number.stringValue) != nil { return true }
        let value = number.doubleValue
        return value.rounded() == value && abs(value) <= 9_007_199_254_740_992
    }

    /// Every key in `json` that the shape does not allow, and every `.integer` field that
    /// is not a whole 64-bit number, as JSON paths.
    func unknownFields(in json: Any, path: String = "") -> [FieldProblem] {
        switch self {
        case .value, .any:
            return []
        case .integer:
            guard let number = json as? NSNumber, !(json is String) else { return [] }
            return Self.isWholeNumber(number)
                ? []
                : [FieldProblem(field: path, detail: "must be a whole number within 64 bits (minor units)")]
        case .object(let fields):
            guard let object = json as? [String: Any] else { return [] }
            var problems: [FieldProblem] = []
            for key in object.keys.sorted() {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let shape = fields[key] {
                    problems += shape.unknownFields(in: object[key] as Any, path: childPath)
                } else {
                    problems.append(FieldProblem(field: childPath, detail: "is not a known field"))
                }
            }
            return problems
        case .array(let element):
            guard let array = json as? [Any] else { return [] }
            return array.enumerated().flatMap { index, item in
                element.unknownFields(in: item, path: "\(path)[\(index)]")
            }
        }
    }
}

/// A request body type with a declared shape.
protocol RequestBody: Decodable, Sendable {
    static var shape: JSONShape { get }
}

/// Reads and strictly decodes JSON request bodies.
enum JSONRequest {
    /// Decodes `bytes` as `Body`: 400 `malformed_json` for broken JSON, 400
    /// `invalid_request` naming each unknown, missing or mistyped field.
    static func decode<Body: RequestBody>(_ type: Body.Type, from bytes: [UInt8], depthMax: Int = 16) throws -> Body {
        let data = Data(bytes)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Problem.malformedJSON("the body does not parse as JSON")
        }
        guard json is [String: Any] else {
            throw Problem.invalidRequest([FieldProblem(field: "(body)", detail: "must be a JSON object")])
        }
        guard depth(of: json) <= depthMax else {
            throw Problem.invalidRequest([FieldProblem(field: "(body)", detail: "must nest at most \(depthMax) levels")])
        }
        let unknown = Body.shape.unknownFields(in: json)
        guard unknown.isEmpty else { throw Problem.invalidRequest(unknown) }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw Problem.invalidRequest([fieldProblem(error)])
        }
    }

    /// Nesting depth of a parsed JSON value: 1 for a scalar.
    static func depth(of json: Any) -> Int {
        if let object = json as? [String: Any] { return 1 + (object.values.map(depth(of:)).max() ?? 0) }
        if let array = json as? [Any] { return 1 + (array.map(depth(of:)).max() ?? 0) }
        return 1
    }

    static func fieldProblem(_ error: DecodingError) -> FieldProblem {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "(body)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldProblem(field: path(context.codingPath + [key]), detail: "is required")
        case .typeMismatch(let type, let context):
            return FieldProblem(field: path(context.codingPath), detail: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return FieldProblem(field: path(context.codingPath), detail: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let detail = context.debugDescription.contains("metadata")
                ? context.debugDescription
                : "has an invalid value (integers must be whole numbers within 64 bits)"
            return FieldProblem(field: path(context.codingPath), detail: detail)
        @unknown default:
            return FieldProblem(field: "(body)", detail: "does not decode")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "a whole number within 64 bits (minor units)"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a whole number, reporting a fraction or a 64-bit overflow as a type
    /// mismatch at this key (Foundation reports those without a coding path).
    func decodeInteger<Value: FixedWidthInteger & Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        do {
            return try decode(Value.self, forKey: key)
        } catch DecodingError.dataCorrupted {
            throw DecodingError.typeMismatch(Value.self, .init(codingPath: codingPath + [key], debugDescription: "not a whole number within 64 bits"))
        }
    }
}
