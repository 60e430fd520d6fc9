public import LedgerCore

/// How the ledger's account and asset codes are written in a beancount journal.
///
/// hledger and ledger-cli accept our codes as they are; beancount does not. Its account
/// names must start with one of five capitalised roots and every component must match
/// `[A-Z0-9][A-Za-z0-9-]*`; its commodity names must match
/// `[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]`. The mapping below is deterministic and injective
/// (two different codes never share a name), so an auditor can map every beancount name
/// back to exactly one of our codes; the export also records the original code as `code:`
/// metadata on each `open` and `commodity` directive.
public enum BeancountNames {
    /// The beancount root of an account type.
    ///
    /// The root comes from the account's type, not from its code: our codes are free to
    /// start with any segment, beancount's meaning of a root is its type.
    public static func root(of type: AccountType) -> String {
        switch type {
        case .asset: "Assets"
        case .liability: "Liabilities"
        case .equity: "Equity"
        case .income: "Income"
        case .expense: "Expenses"
        }
    }

    /// The component that marks a code whose first segment is not its type's root.
    ///
    /// It has an uppercase letter after its first character that is not an escape `C`,
    /// which no mapped segment can have, so it never collides with a mapped code segment.
    public static let unrootedMarker = "NoRoot"

    /// The beancount account name of the account `code` of `type`.
    ///
    /// Rules, in order:
    /// 1. The root is the type's: `Assets`, `Liabilities`, `Equity`, `Income`, `Expenses`.
    /// 2. When the code's first segment is the type's root in lowercase (`assets:…` for an
    ///    asset) and more segments follow, that segment is dropped (`assets:bank:usd` →
    ///    `Assets:Bank:Usd`). Otherwise every segment is kept behind the marker component
    ///    `NoRoot` (`bank:usd`, an asset → `Assets:NoRoot:Bank:Usd`), so such a code can
    ///    never meet a conventional one.
    /// 3. In each segment the first character is uppercased; `a-z`, `0-9` and `-` are kept;
    ///    `_` becomes `C5F` and `.` becomes `C2E` (`C` and the byte's hexadecimal value, the
    ///    escape hledger's own beancount output uses). Our segments hold no uppercase letter,
    ///    so after the first character a `C` always starts an escape: the mapping reverses.
    public static func account(code: AccountCode, type: AccountType) -> String {
        let root = root(of: type)
        var segments = code.rawValue.split(separator: ":", omittingEmptySubsequences: false)
        var name = root
        if segments.count > 1, segments[0] == root.lowercased() {
            segments.removeFirst()
        } else {
            name += ":" + unrootedMarker
        }
        for segment in segments {
            name += ":" + component(segment)
        }
        return name
    }

    /// One account-code segment as a beancount component (rule 3 of `account(code:type:)`).
    static func component(_ segment: Substring) -> String {
        var text = ""
        text.reserveCapacity(segment.utf8.count + 8)
        for (offset, scalar) in segment.unicodeScalars.enumerated() {
            switch scalar {
            case "a"..."z" where offset == 0:
                text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value) - 0x20))
            case "a"..."z", "0"..."9", "-":
                text.unicodeScalars.append(scalar)
            case "_":
                text += "C5F"
            case ".":
                text += "C2E"
            default:
                // AccountCode admits nothing else; a programmer error if it ever did.
                preconditionFailure("account code segments are [a-z0-9][a-z0-9_.-]*")
            }
        }
        return text
    }

    /// The beancount commodity name of the asset `code`.
    ///
    /// A code that matches beancount's grammar is kept (`USD`, `XAU_G`). One that does not
    /// (it starts with a digit, like `1INCH`, or ends with `_`) becomes `X-` + code + `-X`:
    /// our codes never contain `-`, so a mapped name can never equal a kept one, and
    /// stripping the two affixes gives the code back. Codes are at most 16 characters, so
    /// the result stays within beancount's 24.
    public static func commodity(_ code: AssetCode) -> String {
        let bytes = Array(code.rawValue.utf8)
        func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if let first = bytes.first, let last = bytes.last, isUpper(first), isUpper(last) || isDigit(last) {
            return code.rawValue
        }
        return "X-" + code.rawValue + "-X"
    }
}
