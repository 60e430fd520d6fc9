/// The unique hierarchical code of an account, such as `assets:bank:usd`.
///
/// Segments are lowercase ASCII `[a-z0-9][a-z0-9_.-]*`, joined by `:` — the
/// plain-text-accounting convention, so an export to hledger or beancount keeps the
/// names. A code can never have the form of an `AccountID`, so a path component that
/// may hold either is never ambiguous.
public struct AccountCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated code text.
    public let rawValue: String

    /// Validates `text` as an account code; `nil` when it is not one.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= Limits.accountCodeLengthMax else { return nil }
        let segments = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard segments.count <= Limits.accountCodeSegmentsMax else { return nil }
        for segment in segments {
            guard let first = segment.first, AccountCode.isLowerOrDigit(first) else { return nil }
            for byte in segment.dropFirst() {
                let isPunctuation = byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                guard AccountCode.isLowerOrDigit(byte) || isPunctuation else { return nil }
            }
        }
        guard AccountID(text) == nil else { return nil }
        rawValue = text
    }

    private static func isLowerOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    public var description: String { rawValue }
    public static func < (lhs: AccountCode, rhs: AccountCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How a request names an account: by its id or by its code.
public enum AccountReference: Hashable, Sendable, CustomStringConvertible {
    case id(AccountID)
    case code(AccountCode)

    /// Reads `text` as an id when it has the id form, else as a code; `nil` when it is neither.
    public init?(_ text: String) {
        if let id = AccountID(text) {
            self = .id(id)
        } else if let code = AccountCode(text) {
            self = .code(code)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .id(let id): id.rawValue
        case .code(let code): code.rawValue
        }
    }
}
