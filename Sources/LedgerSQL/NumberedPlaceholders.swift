/// Rewrites the `?` placeholders of a statement into PostgreSQL's numbered `$1`, `$2`, …,
/// leaving alone every `?` inside a string literal, a quoted identifier, a dollar-quoted
/// body or a comment.
///
/// Why: the store's statements are written once with `?` (SQLite's, GRDB's); PostgreSQL's
/// extended protocol numbers its parameters.
public enum NumberedPlaceholders {
    /// The statement with numbered placeholders, and how many it has.
    public static func rewrite(_ sql: String) -> (sql: String, count: Int) {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var scanner = Scanner(text: Array(sql.unicodeScalars))
        while let scalar = scanner.next() {
            switch scalar {
            case "?":
                count += 1
                output += "$\(count)"
            case "'", "\"":
                output.unicodeScalars.append(contentsOf: scanner.quoted(closing: scalar, opened: scalar))
            case "-" where scanner.peek() == "-":
                output.unicodeScalars.append(contentsOf: scanner.through(newline: scalar))
            case "/" where scanner.peek() == "*":
                output.unicodeScalars.append(contentsOf: scanner.blockComment(opened: scalar))
            case "$":
                output.unicodeScalars.append(contentsOf: scanner.dollarQuoted(opened: scalar))
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return (output, count)
    }

    /// A cursor over the statement's scalars; each method consumes one lexical element
    /// whose first scalar was already read, and returns it whole.
    private struct Scanner {
        let text: [Unicode.Scalar]
        var position = 0

        init(text: [Unicode.Scalar]) {
            self.text = text
        }

        mutating func next() -> Unicode.Scalar? {
            guard position < text.count else { return nil }
            defer { position += 1 }
            return text[position]
        }

        func peek() -> Unicode.Scalar? {
            position < text.count ? text[position] : nil
        }

        /// A quoted literal or identifier; a doubled quote is an escaped one.
        mutating func quoted(closing: Unicode.Scalar, opened: Unicode.Scalar) -> [Unicode.Scalar] {
            var element = [opened]
            while let scalar = next() {
                element.append(scalar)
                if scalar == closing {
                    guard peek() == closing else { return element }
                    element.append(next()!)
                }
            }
            return element
        }

        mutating func through(newline opened: Unicode.Scalar) -> [Unicode.Scalar] {
            var element = [opened]
            while let scalar = next() {
                element.append(scalar)
                if scalar == "\n" { break }
            }
            return element
        }

        mutating func blockComment(opened: Unicode.Scalar) -> [Unicode.Scalar] {
            var element = [opened, next()!]
            var previous: Unicode.Scalar = " "
            while let scalar = next() {
                element.append(scalar)
                if previous == "*" && scalar == "/" { break }
                previous = scalar
            }
            return element
        }

        /// `$tag$ … $tag$` (a PostgreSQL body); a lone `$` followed by a digit is a
        /// parameter already numbered and is copied as it is.
        mutating func dollarQuoted(opened: Unicode.Scalar) -> [Unicode.Scalar] {
            var tag = [opened]
            var probe = position
            while probe < text.count, text[probe] == "_" || text[probe].properties.isAlphabetic {
                tag.append(text[probe])
                probe += 1
            }
            guard probe < text.count, text[probe] == "$" else { return [opened] }
            tag.append("$")
            position = probe + 1
            var element = tag
            while position < text.count {
                if text[position...].starts(with: tag) {
                    element += tag
                    position += tag.count
                    return element
                }
                element.append(text[position])
                position += 1
            }
            return element
        }
    }
}
