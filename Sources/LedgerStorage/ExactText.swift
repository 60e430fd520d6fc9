import LedgerCore

/// Byte-for-byte equality of the text the tables hold with the text the log holds.
///
/// Swift's `String ==` compares by canonical equivalence: "é" (U+00E9) equals "e" followed
/// by U+0301, and so do `JSONValue`s and records that hold them. Someone editing a copy
/// of the database could re-encode a name or a description from NFC to NFD and every
/// `==` would still hold, though the bytes (and every hash, export and report over them)
/// differ from what the log proves. `verify` therefore compares stored text with logged
/// text through here, by UTF-8 bytes, in addition to the records' own equality.
enum ExactText {
    /// Whether both texts are the same UTF-8 bytes.
    static func same(_ first: String, _ second: String) -> Bool {
        first.utf8.elementsEqual(second.utf8)
    }

    /// Whether both optional texts are absent, or present with the same bytes.
    static func same(_ first: String?, _ second: String?) -> Bool {
        switch (first, second) {
        case (nil, nil): true
        case (let first?, let second?): same(first, second)
        default: false
        }
    }

    /// Whether both values are equal with every string and every member name the same
    /// bytes. An object's member is looked up by its name, which finds a canonically
    /// equivalent name too: the name found must then have the same bytes.
    static func same(_ first: JSONValue, _ second: JSONValue) -> Bool {
        switch (first, second) {
        case (.string(let first), .string(let second)):
            return same(first, second)
        case (.array(let first), .array(let second)):
            return first.count == second.count && zip(first, second).allSatisfy { same($0, $1) }
        case (.object(let first), .object(let second)):
            guard first.count == second.count else { return false }
            for (name, value) in first {
                guard let index = second.index(forKey: name), same(name, second[index].key),
                      same(value, second[index].value)
                else { return false }
            }
            return true
        default:
            return first == second
        }
    }

    /// Whether both transactions are equal with the same bytes in every text they carry:
    /// the description and the metadata (account and asset codes are ASCII by rule, and
    /// the rest are numbers, dates and ids).
    static func same(_ first: LedgerTransaction, _ second: LedgerTransaction) -> Bool {
        first == second && same(first.description, second.description) && same(first.metadata, second.metadata)
    }
}
