/// The code of an asset, such as `USD`, `EUR`, `KES` or `JPY`.
///
/// Codes are `[A-Z0-9_]{2,16}`: ISO 4217 codes fit, and so do non-currency units
/// (`XAU_G`, `TCO2E`). A value of this type has always passed that check.
public struct AssetCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated code text.
    public let rawValue: String

    /// Validates `text` as an asset code; `nil` when it is not one.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard Limits.assetCodeLengthRange.contains(bytes.count) else { return nil }
        for byte in bytes {
            let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isUpper || isDigit || byte == UInt8(ascii: "_") else { return nil }
        }
        self.rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: AssetCode, rhs: AssetCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
