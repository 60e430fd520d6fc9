// Goal: find every body the length rule measures — functions, initialisers, deinitialisers,
// subscripts, computed properties and route-handler closures — and how many lines each spans,
// from the line of its keyword (or route call) to the line of its closing brace, inclusive.

/// A measured body: what it is called and the lines it spans.
struct MeasuredBody: Equatable {
    /// `Type.name` (innermost enclosing type, extension or protocol), `name` at file scope,
    /// `Type.init`, `Type.subscript`, or `Type.METHOD "path"` for a route closure.
    let name: String
    /// 1-based line of the declaration keyword (or of the route call).
    let firstLine: Int
    /// 1-based line of the closing brace.
    let lastLine: Int

    /// Lines from the declaration to its closing brace, both included.
    var lineCount: Int { lastLine - firstLine + 1 }
}

/// Walks a file's tokens and measures every body it recognises.
///
/// How it decides:
/// - `func`, `init`, `deinit`, `subscript` (not after `.`): the body is the first `{` after
///   the keyword outside any bracket; the search gives up at `;`, at a bracket closing what it
///   did not open, or at a line that starts with a declaration word or attribute (so a protocol
///   requirement, which has no body, never borrows the next declaration's).
/// - `var` (not after `if`, `guard`, `while`, `case`, `for`, `let` or `,`): a computed property
///   when a `{` follows on the same line with no `=` and no `in` before it.
/// - a route closure: a `{` right after `.get(…)`, `.post(…)`, `.put(…)`, `.patch(…)`,
///   `.delete(…)`, `.head(…)` or `.on(…)` whose first tokens are `name, name in`.
/// - the enclosing type: `struct`, `class`, `enum`, `actor`, `protocol`, `extension` followed by
///   a name, with its body found the same way as a function's.
struct BodyFinder {
    let source: SwiftSource

    static let bodyKeywords: Set<String> = ["func", "init", "deinit", "subscript", "var"]
    static let typeKeywords: Set<String> = ["struct", "class", "enum", "actor", "protocol", "extension"]
    static let routeMethods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "on"]
    /// Words that start a new declaration or statement: a header that meets one of these at
    /// the start of a line has no body of its own.
    static let lineStarters: Set<String> = [
        "func", "init", "deinit", "subscript", "var", "let", "case", "struct", "class", "enum",
        "actor", "protocol", "extension", "typealias", "associatedtype", "import", "static",
        "private", "fileprivate", "internal", "public", "package", "open", "override", "mutating",
        "nonmutating", "nonisolated", "final", "convenience", "required", "lazy", "@", "#if",
        "#else", "#elseif", "#endif", "return", "if", "guard", "for", "while", "switch", "do",
    ]
    static let notBeforeVar: Set<String> = ["if", "guard", "while", "case", "for", "let", ",", "("]

    var tokens: [SourceToken] { source.tokens }

    /// Every recognised body in the file, in source order.
    func bodies() -> [MeasuredBody] {
        let types = typeBodies()
        var found: [MeasuredBody] = []
        for index in tokens.indices {
            guard let (name, open) = declaration(at: index) ?? routeClosure(at: index),
                let close = source.closingIndex[open]
            else { continue }
            let owner = types.last { $0.open < index && index < $0.close }?.name
            let qualified = owner.map { "\($0).\(name)" } ?? name
            found.append(MeasuredBody(name: qualified, firstLine: tokens[index].line, lastLine: tokens[close].line))
        }
        return found
    }

    /// The name and body-opening brace of a declaration starting at `index`, if it has a body.
    func declaration(at index: Int) -> (String, Int)? {
        let token = tokens[index]
        guard token.kind == .word, Self.bodyKeywords.contains(token.text) else { return nil }
        let previous = index > 0 ? tokens[index - 1].text : ""
        guard previous != "." else { return nil }
        switch token.text {
        case "func":
            guard index + 1 < tokens.count else { return nil }
            return bodyOpen(after: index + 1, sameLineOnly: false).map { (tokens[index + 1].text, $0) }
        case "var":
            guard !Self.notBeforeVar.contains(previous), index + 1 < tokens.count else { return nil }
            return bodyOpen(after: index + 1, sameLineOnly: true).map { (tokens[index + 1].text, $0) }
        default:
            return bodyOpen(after: index, sameLineOnly: false).map { (token.text, $0) }
        }
    }

    /// The first `{` after `start` outside brackets, or nil when the header ends without one.
    func bodyOpen(after start: Int, sameLineOnly: Bool) -> Int? {
        var depth = 0
        var index = start + 1
        let firstLine = tokens[start].line
        while index < tokens.count {
            let token = tokens[index]
            let startsLine = token.line > tokens[index - 1].line
            if depth == 0 {
                if token.text == "{" { return index }
                if token.text == ";" { return nil }
                if sameLineOnly && (token.line > firstLine || token.text == "=" || token.text == "in") {
                    return nil
                }
                if startsLine && Self.lineStarters.contains(token.text) { return nil }
            }
            if token.kind == .mark && ["(", "[", "{"].contains(token.text) {
                depth += 1
            } else if token.kind == .mark && [")", "]", "}"].contains(token.text) {
                if depth == 0 { return nil }
                depth -= 1
            }
            index += 1
        }
        return nil
    }

    /// A route-handler closure whose call starts at `index` (the `.` before the method name).
    func routeClosure(at index: Int) -> (String, Int)? {
        guard tokens[index].text == ".", index + 2 < tokens.count,
            tokens[index + 1].kind == .word, Self.routeMethods.contains(tokens[index + 1].text),
            tokens[index + 2].text == "(", let closeParen = source.closingIndex[index + 2],
            closeParen + 5 < tokens.count, tokens[closeParen + 1].text == "{",
            tokens[closeParen + 2].kind == .word, tokens[closeParen + 3].text == ",",
            tokens[closeParen + 4].kind == .word, tokens[closeParen + 5].text == "in"
        else { return nil }
        let path = tokens[(index + 3)..<closeParen].map(\.text).joined()
        return ("\(tokens[index + 1].text.uppercased()) \(path)", closeParen + 1)
    }

    /// The named bodies of types and extensions, with their brace token indices.
    func typeBodies() -> [(name: String, open: Int, close: Int)] {
        var types: [(name: String, open: Int, close: Int)] = []
        for index in tokens.indices where tokens[index].kind == .word {
            guard Self.typeKeywords.contains(tokens[index].text), index + 1 < tokens.count,
                index == 0 || tokens[index - 1].text != ".",
                tokens[index + 1].kind == .word, !Self.lineStarters.contains(tokens[index + 1].text)
            else { continue }
            var nameEnd = index + 2
            while nameEnd + 1 < tokens.count, tokens[nameEnd].text == ".", tokens[nameEnd + 1].kind == .word {
                nameEnd += 2
            }
            let name = tokens[(index + 1)..<nameEnd].map(\.text).joined()
            if let open = bodyOpen(after: nameEnd - 1, sameLineOnly: false),
                let close = source.closingIndex[open] {
                types.append((name, open, close))
            }
        }
        return types.sorted { $0.open < $1.open }
    }
}
