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
}
