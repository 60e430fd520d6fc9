/// A JSON value without fractional numbers: the shape of metadata.
///
/// Numbers are integers only. Money never travels as a binary fraction, and metadata
/// that needs a decimal carries it as a string, so no value here can round.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The nesting depth: 1 for a scalar, one more for each array or object level.
    public var depth: Int {
        switch self {
        case .null, .bool, .integer, .string: 1
        case .array(let values): 1 + (values.map(\.depth).max() ?? 0)
        case .object(let members): 1 + (members.values.map(\.depth).max() ?? 0)
        }
    }

    /// RFC 8785 (JSON Canonicalization Scheme) bytes: members sorted by UTF-16 code
    /// units, no whitespace, minimal string escapes. The same value always yields the
    /// same bytes, which is what hashing and idempotency comparisons need.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        appendCanonical(to: &output)
        return output
    }

    /// Canonical JSON as text.
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends the canonical encoding of this value to `output`.
    ///
    /// Every audit-log entry passes through here on the serialized writer, so it appends
    /// in place: no intermediate arrays, and object keys are checked once per object for
    /// the byte-order shortcut instead of once per comparison.
    public func appendCanonical(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value):
            // JCS numbers follow ECMAScript; integers within ±(2^53 − 1) print as plain
            // decimals. Larger ones never reach the log (MetadataRules refuses them), but
            // measuring or fingerprinting unvalidated input must not trap, so they print
            // as decimals too.
            output.append(contentsOf: String(value).utf8)
        case .string(let value): JSONValue.appendCanonical(string: value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.appendCanonical(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in JSONValue.canonicalOrder(members).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.appendCanonical(string: member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.appendCanonical(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// An object's members in RFC 8785 order (UTF-16 code units), checking once whether
    /// byte order gives the same answer (it does unless a key holds U+E000 or above).
    static func canonicalOrder(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        if members.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0xEE } }) {
            return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        return members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
    }

    /// Whether `first` sorts before `second` in RFC 8785 member order (UTF-16 code units).
    ///
    /// UTF-8 byte order equals UTF-16 order except between U+E000–U+FFFF and characters
    /// beyond U+FFFF, so plain byte order is used unless such characters appear.
    public static func precedesCanonically(_ first: String, _ second: String) -> Bool {
        var firstCopy = first
        var secondCopy = second
        let isByteOrderSafe = firstCopy.withUTF8 { bytes in bytes.allSatisfy { $0 < 0xEE } }
            && secondCopy.withUTF8 { bytes in bytes.allSatisfy { $0 < 0xEE } }
        if isByteOrderSafe {
            return firstCopy.withUTF8 { a in secondCopy.withUTF8 { b in a.lexicographicallyPrecedes(b) } }
        }
        return first.utf16.lexicographicallyPrecedes(second.utf16)
    }

    /// Appends `string` as a JCS string literal.
    public static func appendCanonical(string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Most strings need no escape: copy them whole.
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                output.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(byte)
                case 0x08: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "b"))
                case 0x09: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
                case 0x0A: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
                case 0x0C: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "f"))
                case 0x0D: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
                case 0x00..<0x20:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0x0f))
                default: output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// The lower-case hexadecimal digit of `nibble` (0–15).
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value except fractional numbers, reporting a nested problem with
    /// its full coding path (`metadata.rate`), so the API can name the field.
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: MemberKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys {
                members[key.stringValue] = try object.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd {
                values.append(try array.decode(JSONValue.self))
            }
            self = .array(values)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "numbers in metadata must be whole numbers within 64 bits; write decimals as strings"
            )
        }
    }

    /// Any member name of a JSON object.
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}

/// Rules for metadata: a JSON object, bounded in size and depth, integers exact.
public enum MetadataRules {
    /// Every problem with `metadata` as the value of `field`.
    public static func problems(in metadata: JSONValue, field: String) -> [FieldProblem] {
        guard case .object = metadata else {
            return [FieldProblem(field: field, detail: "must be a JSON object")]
        }
        if metadata.depth > Limits.metadataDepthMax {
            return [FieldProblem(field: field, detail: "must nest at most \(Limits.metadataDepthMax) levels")]
        }
        if let problem = firstUnrepresentableInteger(in: metadata) {
            return [
                FieldProblem(field: field, detail: "integer \(problem) is beyond ±(2^53 − 1); write it as a string")
            ]
        }
        if let problem = firstControlCharacterProblem(in: metadata) {
            return [FieldProblem(field: field, detail: problem)]
        }
        if metadata.canonicalBytes.count > Limits.metadataBytesMax {
            return [FieldProblem(field: field, detail: "must be at most \(Limits.metadataBytesMax) bytes as JSON")]
        }
        return []
    }

    private static func firstUnrepresentableInteger(in value: JSONValue) -> Int64? {
        switch value {
        case .integer(let number): return Amount.isRepresentable(number) ? nil : number
        case .array(let values): return values.lazy.compactMap(firstUnrepresentableInteger).first
        case .object(let members): return members.values.lazy.compactMap(firstUnrepresentableInteger).first
        case .null, .bool, .string: return nil
        }
    }

    private static func firstControlCharacterProblem(in value: JSONValue) -> String? {
        switch value {
        case .string(let text): return TextRules.firstRefusal(in: text).map { "strings must not contain \($0)" }
        case .array(let values): return values.lazy.compactMap(firstControlCharacterProblem).first
        case .object(let members):
            if let refused = members.keys.lazy.compactMap(TextRules.firstRefusal(in:)).first {
                return "keys must not contain \(refused)"
            }
            return members.values.lazy.compactMap(firstControlCharacterProblem).first
        case .null, .bool, .integer: return nil
        }
    }
}
