import Foundation
public import LedgerCore

/// The set of keys a request body may contain, checked before decoding so an unknown
/// field is a 400 naming it — a typo in a money field (`"amout"`) never passes silently.
public indirect enum JSONShape: Sendable {
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
    func unknownFields(in json: some ParsedJSON, path: String = "") -> [FieldProblem] {
        switch self {
        case .value, .any:
            return []
        case .integer:
            return json.isNumberButNotWhole
                ? [FieldProblem(field: path, detail: "must be a whole number within 64 bits (minor units)")]
                : []
        case .object(let fields):
            guard let object = json.objectMembers else { return [] }
            var problems: [FieldProblem] = []
            for key in object.keys.sorted() {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let shape = fields[key], let value = object[key] {
                    problems += shape.unknownFields(in: value, path: childPath)
                } else {
                    problems.append(FieldProblem(field: childPath, detail: "is not a known field"))
                }
            }
            return problems
        case .array(let element):
            guard let array = json.arrayElements else { return [] }
            return array.enumerated().flatMap { index, item in
                element.unknownFields(in: item, path: "\(path)[\(index)]")
            }
        }
    }
}

/// A parsed JSON value as the shape check reads it: the core's strict `JSONValue`, or
/// Foundation's tree for bodies only Foundation reads (fractions, exponents).
protocol ParsedJSON {
    var objectMembers: [String: Self]? { get }
    var arrayElements: [Self]? { get }
    /// A number that is not a whole 64-bit number.
    var isNumberButNotWhole: Bool { get }
    /// 1 for a scalar, one more for each level of nesting.
    var depth: Int { get }
}

extension JSONValue: ParsedJSON {
    var objectMembers: [String: JSONValue]? { if case .object(let members) = self { members } else { nil } }
    var arrayElements: [JSONValue]? { if case .array(let values) = self { values } else { nil } }
    /// The strict parser reads only whole 64-bit numbers.
    var isNumberButNotWhole: Bool { false }
}

/// Foundation's `JSONSerialization` tree.
struct FoundationJSON: ParsedJSON {
    let value: Any

    var objectMembers: [String: FoundationJSON]? { (value as? [String: Any])?.mapValues(FoundationJSON.init) }
    var arrayElements: [FoundationJSON]? { (value as? [Any])?.map(FoundationJSON.init) }
    var isNumberButNotWhole: Bool {
        guard let number = value as? NSNumber, !(value is String) else { return false }
        return !JSONShape.isWholeNumber(number)
    }
    var depth: Int {
        1 + ((objectMembers.map { Array($0.values) } ?? arrayElements ?? []).map(\.depth).max() ?? 0)
    }
}

/// A request body type with a declared shape.
public protocol JSONRequestBody: Decodable, Sendable {
    static var shape: JSONShape { get }
}

/// Reads and strictly decodes JSON request bodies.
public enum JSONRequest {
    /// Decodes `bytes` as `Body`: 400 `malformed_json` for broken JSON, 400
    /// `invalid_request` naming each unknown, missing or mistyped field.
    ///
    /// The usual body is parsed once: the core's strict parser (whole numbers, no duplicate
    /// names, several times faster than Foundation's tree) reads it, the shape is checked on
    /// that tree and the DTO is decoded from the same tree (`JSONValueDecoder`). A body the
    /// strict parser refuses goes the Foundation way, which names fractions and nesting
    /// problems by field; only that rare body is read by Foundation's tree and decoder.
    public static func decode<Body: JSONRequestBody>(
        _ type: Body.Type, from bytes: [UInt8], depthMax: Int = 16
    ) throws -> Body {
        guard let parsed = try? JSONParser.parse(bytes) else {
            return try decodeWithFoundation(Body.self, from: bytes, depthMax: depthMax)
        }
        try checkShape(parsed, of: Body.self, depthMax: depthMax)
        do {
            return try JSONValueDecoder.decode(Body.self, from: parsed)
        } catch let error as DecodingError {
            throw Problem.invalidRequest([fieldProblem(error)])
        }
    }

    /// A body the strict parser refuses (fractions, exponents, repeated names, broken JSON).
    static func decodeWithFoundation<Body: JSONRequestBody>(
        _ type: Body.Type, from bytes: [UInt8], depthMax: Int
    ) throws -> Body {
        // Foundation keeps one of two members with the same name without a word, so
        // the check and the decoder could read different values: refuse duplicates first.
        if let path = JSONParser.duplicateMember(in: bytes) {
            let problem = FieldProblem(field: path, detail: "appears more than once in its object")
            throw Problem.invalidRequest([problem])
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw Problem.malformedJSON("the body does not parse as JSON")
        }
        try checkShape(FoundationJSON(value: json), of: Body.self, depthMax: depthMax)
        do {
            return try JSONDecoder().decode(Body.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Problem.invalidRequest([fieldProblem(error)])
        }
    }

    /// A body must be an object, nest at most `depthMax` levels and hold only known fields.
    static func checkShape<Body: JSONRequestBody>(_ json: some ParsedJSON, of type: Body.Type, depthMax: Int) throws {
        guard json.objectMembers != nil else {
            throw Problem.invalidRequest([FieldProblem(field: "(body)", detail: "must be a JSON object")])
        }
        guard json.depth <= depthMax else {
            let problem = FieldProblem(field: "(body)", detail: "must nest at most \(depthMax) levels")
            throw Problem.invalidRequest([problem])
        }
        let unknown = Body.shape.unknownFields(in: json)
        guard unknown.isEmpty else { throw Problem.invalidRequest(unknown) }
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
    public func decodeInteger<Value: FixedWidthInteger & Decodable>(
        _ type: Value.Type, forKey key: Key
    ) throws -> Value {
        do {
            return try decode(Value.self, forKey: key)
        } catch DecodingError.dataCorrupted {
            throw DecodingError.typeMismatch(
                Value.self, .init(codingPath: codingPath + [key], debugDescription: "not a whole number within 64 bits")
            )
        }
    }
}
