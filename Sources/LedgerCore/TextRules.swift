/// Rules shared by every free-text field: a length bound and no control characters.
///
/// Control characters (other than none at all) have no place in a description or a
/// name; they hide text in terminals and logs, so they are rejected, not stripped.
public enum TextRules {
    /// The problem with `text` as the value of `field`, or `nil` when it is acceptable.
    public static func problem(in text: String, field: String, lengthMax: Int, allowsEmpty: Bool = false) -> FieldProblem? {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if scalar.properties.generalCategory == .control {
                return FieldProblem(field: field, detail: "must not contain control characters")
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
}
