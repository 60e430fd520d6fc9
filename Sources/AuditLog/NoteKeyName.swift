/// The name of a note signing key, such as `ledger.example/audit`.
///
/// Why a type: the signed-note format forbids empty names, plus signs and
/// Unicode spaces (they would break the `name+id+key` and signature line
/// syntax), and checking that once here means every name in use is valid.
/// Control characters are refused too, since no signed note may contain them.
public struct NoteKeyName: Hashable, Sendable, CustomStringConvertible {
    /// The name's text.
    public let text: String

    /// Creates a name after checking the signed-note rules.
    ///
    /// Why it throws: names come from configuration and from note text.
    public init(_ text: String) throws(NoteKeyError) {
        guard NoteKeyName.isValid(text) else {
            throw .invalidName(text)
        }
        self.text = text
    }

    /// The name's text, as it appears in keys and signature lines.
    public var description: String {
        text
    }

    /// Whether `text` is a valid key name (non-empty; no plus, Unicode space or control character).
    static func isValid(_ text: some StringProtocol) -> Bool {
        !text.isEmpty
            && !text.unicodeScalars.contains { scalar in
                scalar == "+" || scalar.value < 0x20 || scalar.properties.isWhitespace
            }
    }
}
