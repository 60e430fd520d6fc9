/// Splitting of `+`-separated key texts.
///
/// Why bytes: splitting a `String` by `Character` would treat a plus followed
/// by a combining mark as one character and miss the separator; key texts are
/// split exactly where Go splits them, at the byte `+`.
enum KeyText {
    /// Splits at the first `maxParts - 1` plus signs; the last part keeps any further ones (base64 may hold `+`).
    static func split(_ text: String, maxParts: Int) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "+"), maxSplits: maxParts - 1, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The parts of a key text — `<name>+<8 hex id>+<base64(algorithm || key)>`, after
    /// `PRIVATE+KEY+` for a signer key — not yet checked against each other (each key
    /// type checks its algorithm byte and the id in its own order).
    static func parts(
        _ text: String, isPrivate: Bool
    ) throws(NoteKeyError) -> (name: NoteKeyName, statedID: NoteKeyID, algorithm: UInt8, key: [UInt8]) {
        var parts = split(text, maxParts: isPrivate ? 5 : 3)[...]
        if isPrivate {
            guard parts.count == 5, parts.popFirst() == "PRIVATE", parts.popFirst() == "KEY" else {
                throw .malformedKeyText
            }
        }
        guard parts.count == 3 else { throw .malformedKeyText }
        let name = try NoteKeyName(parts[parts.startIndex])
        guard let statedID = NoteKeyID.parse(hex: parts[parts.startIndex + 1]),
            let keyBytes = Base64.decode(Substring(parts[parts.startIndex + 2])),
            let algorithm = keyBytes.first
        else {
            throw .malformedKeyText
        }
        return (name, statedID, algorithm, Array(keyBytes.dropFirst()))
    }
}
