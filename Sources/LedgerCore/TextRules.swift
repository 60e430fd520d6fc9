/// Rules shared by every free-text field: a length bound, no control characters and no
/// bidirectional override, embedding or isolate controls.
///
/// Control characters (other than none at all) have no place in a description or a
/// name; they hide text in terminals and logs, so they are rejected, not stripped. The
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069) reorder what follows them, so a
/// name could display as another one ("Trojan Source"); right-to-left scripts need none of
/// them and stay accepted. Only writers apply these rules: readers accept every entry
/// already in the log.
public enum TextRules {
    /// Left-to-right and right-to-left embeddings and overrides, and the pop that ends them.
    static let bidiEmbeddingsAndOverrides: ClosedRange<UInt32> = 0x202A...0x202E
    /// Left-to-right, right-to-left and first-strong isolates, and the pop that ends them.
    static let bidiIsolates: ClosedRange<UInt32> = 0x2066...0x2069

    /// The problem with `text` as the value of `field`, or `nil` when it is acceptable.
    public static func problem(
        in text: String, field: String, lengthMax: Int, allowsEmpty: Bool = false
    ) -> FieldProblem? {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if let refused = refusal(of: scalar) {
                return FieldProblem(field: field, detail: "must not contain \(refused)")
            }
        }
        if count > lengthMax {
            return FieldProblem(field: field, detail: "must be at most \(lengthMax) characters")
        }
        if !allowsEmpty && count == 0 {
            return FieldProblem(field: field, detail: "must not be empty")
        }
        return nil
    }

    /// The kind of character `scalar` is when checked text may not hold it ("control
    /// characters"), or `nil` when it may.
    static func refusal(of scalar: Unicode.Scalar) -> String? {
        if scalar.properties.generalCategory == .control { return "control characters" }
        if bidiEmbeddingsAndOverrides.contains(scalar.value) || bidiIsolates.contains(scalar.value) {
            return "bidirectional override, embedding or isolate characters"
        }
        return nil
    }

    /// `text` without bidirectional override, embedding or isolate controls: for text the
    /// ledger composes from names stored before these controls were refused (a pledge's
    /// "Pledge … by <name>"), which must still pass the rules it is checked by.
    public static func removingBidiControls(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars
        where !bidiEmbeddingsAndOverrides.contains(scalar.value) && !bidiIsolates.contains(scalar.value) {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// The first refusal among `text`'s scalars, or `nil`.
    static func firstRefusal(in text: String) -> String? {
        text.unicodeScalars.lazy.compactMap(refusal(of:)).first
    }
}
