/// A strict JSON parser (RFC 8259) producing `JSONValue`, for the ledger's own bytes.
///
/// Stricter than JSON: numbers must be integers within 64 bits (no fraction, no
/// exponent), duplicate member names are refused, and nesting is bounded — so a value
/// parses to exactly one meaning. About ten times faster than going through `Decodable`,
/// which matters when a verifier re-reads a million log entries.
public struct JSONParser {
    /// Deepest nesting accepted; far beyond anything the ledger writes.
    public static let depthMax = 64

    private let bytes: [UInt8]
    private var position = 0
    /// When set, only RFC 8785 canonical text is accepted: no whitespace, members in
    /// UTF-16 order, minimal escapes, no `-0`.
    private let requiresCanonical: Bool
    /// When set, any RFC 8259 number is read (as `null`): for `duplicateMember(in:)`,
    /// which looks only at member names.
    private let acceptsAnyNumber: Bool

    /// Why bytes are not acceptable JSON.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        /// For a repeated member name: its JSON path (`postings[0].asset`); otherwise `nil`.
        public internal(set) var duplicateMember: String?
        public var description: String { "\(reason) at byte \(offset)" }

        init(offset: Int, reason: String, duplicateMember: String? = nil) {
            self.offset = offset
            self.reason = reason
            self.duplicateMember = duplicateMember
        }

        /// The failure as seen from the enclosing value: a duplicate's path gains `step`
        /// (`.name` or `[index]`) in front.
        func nested(under step: String) -> Failure {
            guard let path = duplicateMember else { return self }
            var copy = self
            copy.duplicateMember = path.hasPrefix("[") ? step + path : step + "." + path
            return copy
        }
    }

    /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes, requiresCanonical: false, acceptsAnyNumber: false)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("trailing characters") }
        return value
    }

    /// Parses `bytes`, accepting them only if they are exactly the RFC 8785 canonical
    /// form of the value — the same as `parse` followed by comparing `canonicalBytes`,
    /// without encoding the value again.
    public static func parseCanonical(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes, requiresCanonical: true, acceptsAnyNumber: false)
        let value = try parser.value(depth: 0)
        guard parser.position == bytes.count else { throw parser.failure("trailing characters") }
        return value
    }

    /// The JSON path of the first member name repeated within one object (`visibility`,
    /// `postings[1].asset`) in RFC 8259 text with numbers of any form; `nil` when there is
    /// none or the text does not parse.
    ///
    /// For readers that fall back to a more lenient parser (fractions, exponents): such a
    /// parser silently keeps one of two values with the same name, so a body could mean
    /// one thing to a check and another to the code that acts on it.
    public static func duplicateMember(in bytes: [UInt8]) -> String? {
        var parser = JSONParser(bytes: bytes, requiresCanonical: false, acceptsAnyNumber: true)
        parser.skipWhitespace()
        do {
            _ = try parser.value(depth: 0)
            return nil
        } catch {
            return error.duplicateMember
        }
    }

    private init(bytes: [UInt8], requiresCanonical: Bool, acceptsAnyNumber: Bool) {
        self.bytes = bytes
        self.requiresCanonical = requiresCanonical
        self.acceptsAnyNumber = acceptsAnyNumber
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private mutating func skipWhitespace() {
        guard !requiresCanonical else { return }
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.depthMax else { throw failure("nesting too deep") }
        guard position < bytes.count else { throw failure("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if acceptsAnyNumber { return try anyNumber() }
            return .integer(try integer())
        default: throw failure("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
            throw failure("invalid literal")
        }
        position += count
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        // Log entries' objects hold up to about ten members: no regrowth on the way.
        var members = [String: JSONValue](minimumCapacity: 12)
        var previousKey: String?
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            let key = try string()
            if requiresCanonical {
                if let previousKey, !JSONValue.precedesCanonically(previousKey, key) {
                    throw failure("members are not in canonical order")
                }
                previousKey = key
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            let value: JSONValue
            do {
                value = try self.value(depth: depth + 1)
            } catch {
                throw error.nested(under: key)
            }
            guard members.updateValue(value, forKey: key) == nil else {
                throw Failure(offset: position, reason: "duplicate member \"\(key)\"", duplicateMember: key)
            }
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        position += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            do {
                values.append(try value(depth: depth + 1))
            } catch {
                throw error.nested(under: "[\(values.count)]")
            }
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(values)
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func integer() throws(Failure) -> Int64 {
        let start = position
        var isNegative = false
        if bytes[position] == UInt8(ascii: "-") {
            isNegative = true
            position += 1
        }
        let digitsStart = position
        var magnitude: UInt64 = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (shifted, overflowMultiply) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = shifted.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else {
                throw Failure(offset: start, reason: "integer beyond 64 bits")
            }
            magnitude = next
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0 else { throw failure("expected digits") }
        guard !(digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else {
            throw Failure(offset: start, reason: "leading zero")
        }
        if position < bytes.count,
            bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: "e")
                || bytes[position] == UInt8(ascii: "E")
        {
            throw Failure(offset: start, reason: "numbers must be integers")
        }
        if isNegative {
            guard !(requiresCanonical && magnitude == 0) else {
                throw Failure(offset: start, reason: "-0 is not canonical")
            }
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw Failure(offset: start, reason: "integer beyond 64 bits")
            }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Failure(offset: start, reason: "integer beyond 64 bits") }
        return Int64(magnitude)
    }

    /// Any RFC 8259 number (`-12.5e3`), skipped: read as `null`.
    private mutating func anyNumber() throws(Failure) -> JSONValue {
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func digits(_ parser: inout JSONParser) throws(Failure) {
            let start = parser.position
            while parser.position < parser.bytes.count, isDigit(parser.bytes[parser.position]) { parser.position += 1 }
            guard parser.position > start else { throw parser.failure("expected digits") }
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        try digits(&self)
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            try digits(&self)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            try digits(&self)
        }
        return .null
    }

    private mutating func string() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(validating: bytes[start..<position], as: UTF8.self)
                position += 1
                guard let text else { throw Failure(offset: start, reason: "invalid UTF-8") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("control character in string") }
            position += 1
        }
        var scalars: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: scalars, as: UTF8.self) else {
                    throw Failure(offset: start, reason: "invalid UTF-8")
                }
                return text
            }
            guard byte >= 0x20 else { throw failure("control character in string") }
            if byte != UInt8(ascii: "\\") {
                scalars.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw failure("unexpected end") }
            let escape = bytes[position]
            position += 1
            if requiresCanonical, escape == UInt8(ascii: "/") { throw failure("escape is not canonical") }
            switch escape {
            case UInt8(ascii: "\""): scalars.append(0x22)
            case UInt8(ascii: "\\"): scalars.append(0x5C)
            case UInt8(ascii: "/"): scalars.append(0x2F)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                scalars.append(contentsOf: try unicodeEscape())
            default:
                throw failure("invalid escape")
            }
        }
        throw failure("unterminated string")
    }

    /// The UTF-8 bytes of a `\uXXXX` escape (a surrogate pair takes two), read after its `u`;
    /// canonical input accepts only the escapes JCS writes.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        let escapeStart = position
        var code = try hex4()
        if requiresCanonical {
            // JCS writes \u only for control characters without a short form, in lowercase hex.
            let isShortForm = [0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(code)
            let isLowercase = bytes[escapeStart..<position].allSatisfy {
                !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
            }
            guard code < 0x20, !isShortForm, isLowercase else { throw failure("escape is not canonical") }
        }
        if (0xD800...0xDBFF).contains(code) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else {
                throw failure("unpaired surrogate")
            }
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
            throw failure("unpaired surrogate")
        }
        guard let scalar = Unicode.Scalar(code) else { throw failure("invalid escape") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("unexpected end") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
