// Goal: a small, dependency-free reader of Swift source that is good enough to measure
// function bodies and find imports without a compiler: it blanks comments and string
// literals (so braces inside them never count), splits the rest into tokens and matches
// brackets. It is not a parser; `ScannerTests` pin down what it recognises.
import Foundation

/// One token of Swift source after comments are dropped: a word, a punctuation mark,
/// an operator run, or a whole string literal.
struct SourceToken: Equatable {
    /// What the token is, so the finder can tell words from marks from literals.
    enum Kind: Equatable { case word, mark, string }

    let kind: Kind
    /// The token's text (for a string literal, its full source text including delimiters).
    let text: String
    /// 1-based line of the token's first character.
    let line: Int
}

/// A Swift file read once: its lines, its tokens, and which bracket closes which.
struct SwiftSource {
    /// The file's lines as written (used for the line-length check).
    let lines: [Substring]
    /// The code's tokens, comments dropped, each string literal one token.
    let tokens: [SourceToken]
    /// For every opening `(`, `[` or `{` token, the index of the token that closes it.
    let closingIndex: [Int: Int]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let scalars = Array(text.unicodeScalars)
        let lexed = SwiftLexer.blankCommentsAndStrings(scalars)
        tokens = SwiftTokenizer.tokens(scalars: scalars, blanked: lexed.blanked, strings: lexed.stringRanges)
        closingIndex = Self.matchBrackets(tokens)
    }

    /// Pairs brackets with a stack; an unbalanced file leaves its stray brackets unpaired.
    private static func matchBrackets(_ tokens: [SourceToken]) -> [Int: Int] {
        var closing: [Int: Int] = [:]
        var open: [(index: Int, text: String)] = []
        let pairs = [")": "(", "]": "[", "}": "{"]
        for (index, token) in tokens.enumerated() where token.kind == .mark {
            if ["(", "[", "{"].contains(token.text) {
                open.append((index, token.text))
            } else if let opener = pairs[token.text] {
                while let last = open.popLast() {
                    if last.text == opener {
                        closing[last.index] = index
                        break
                    }
                }
            }
        }
        return closing
    }
}

/// Finds where comments and string literals are, so that nothing inside them is read as code.
enum SwiftLexer {
    /// The source with every comment and string literal (content and delimiters) replaced by
    /// spaces, newlines kept, and the ranges of the outermost string literals.
    struct Result {
        var blanked: [Unicode.Scalar]
        var stringRanges: [Range<Int>]
    }

    /// One level of the lexer's stack: plain code (perhaps inside an interpolation, with its
    /// open parentheses counted) or a string literal with its `#` count.
    private enum Context {
        case code(openParentheses: Int, isInterpolation: Bool)
        case string(hashes: Int, isMultiline: Bool)
    }

    static func blankCommentsAndStrings(_ source: [Unicode.Scalar]) -> Result {
        var state = LexState(source: source)
        while state.index < source.count {
            switch state.stack.last ?? .code(openParentheses: 0, isInterpolation: false) {
            case .code(let parentheses, let isInterpolation):
                state.stepCode(parentheses: parentheses, isInterpolation: isInterpolation)
            case .string(let hashes, let isMultiline):
                state.stepString(hashes: hashes, isMultiline: isMultiline)
            }
        }
        return Result(blanked: state.blanked, stringRanges: state.stringRanges)
    }

    /// The lexer's position, stack and output while it walks the source.
    private struct LexState {
        let source: [Unicode.Scalar]
        var blanked: [Unicode.Scalar]
        var stringRanges: [Range<Int>] = []
        var stack: [Context] = [.code(openParentheses: 0, isInterpolation: false)]
        var index = 0
        var outerStringStart = 0

        init(source: [Unicode.Scalar]) {
            self.source = source
            blanked = source
        }

        func at(_ offset: Int) -> Unicode.Scalar? {
            offset < source.count ? source[offset] : nil
        }

        var isInsideString: Bool {
            stack.contains { if case .string = $0 { true } else { false } }
        }

        /// Blanks `source[range]` except newlines.
        mutating func blank(_ range: Range<Int>) {
            for offset in range where offset < source.count && source[offset] != "\n" {
                blanked[offset] = " "
            }
        }

        mutating func stepCode(parentheses: Int, isInterpolation: Bool) {
            let scalar = source[index]
            if scalar == "/" && at(index + 1) == "/" {
                let start = index
                while index < source.count && source[index] != "\n" { index += 1 }
                blank(start..<index)
            } else if scalar == "/" && at(index + 1) == "*" {
                skipBlockComment()
            } else if scalar == "\"" || scalar == "#" {
                openStringIfAny()
            } else if isInterpolation && scalar == "(" {
                stack[stack.count - 1] = .code(openParentheses: parentheses + 1, isInterpolation: true)
                index += 1
            } else if isInterpolation && scalar == ")" {
                if parentheses == 0 {
                    stack.removeLast()
                } else {
                    stack[stack.count - 1] = .code(openParentheses: parentheses - 1, isInterpolation: true)
                }
                index += 1
            } else {
                index += 1
            }
        }

        /// Block comments nest in Swift.
        mutating func skipBlockComment() {
            let start = index
            var depth = 0
            repeat {
                if source[index] == "/" && at(index + 1) == "*" {
                    depth += 1
                    index += 2
                } else if source[index] == "*" && at(index + 1) == "/" {
                    depth -= 1
                    index += 2
                } else {
                    index += 1
                }
            } while depth > 0 && index < source.count
            if !isInsideString { blank(start..<index) }
        }

        /// At `"` or `#`: starts a (raw, multi-line) string literal, or steps over a lone `#`.
        mutating func openStringIfAny() {
            var quote = index
            while at(quote) == "#" { quote += 1 }
            guard at(quote) == "\"" else {
                index = quote == index ? index + 1 : quote
                return
            }
            let hashes = quote - index
            let isMultiline = at(quote + 1) == "\"" && at(quote + 2) == "\""
            if !isInsideString { outerStringStart = index }
            stack.append(.string(hashes: hashes, isMultiline: isMultiline))
            index = quote + (isMultiline ? 3 : 1)
        }

        mutating func stepString(hashes: Int, isMultiline: Bool) {
            let scalar = source[index]
            if scalar == "\\" && (0..<hashes).allSatisfy({ at(index + 1 + $0) == "#" }) {
                let next = index + 1 + hashes
                if at(next) == "(" {
                    stack.append(.code(openParentheses: 0, isInterpolation: true))
                    index = next + 1
                } else {
                    index = next + 1
                }
            } else if scalar == "\"" && closesString(hashes: hashes, isMultiline: isMultiline) {
                index += (isMultiline ? 3 : 1) + hashes
                stack.removeLast()
                if !isInsideString {
                    stringRanges.append(outerStringStart..<index)
                    blank(outerStringStart..<index)
                }
            } else {
                index += 1
            }
        }

        func closesString(hashes: Int, isMultiline: Bool) -> Bool {
            let quotes = isMultiline ? 3 : 1
            let quotesMatch = (0..<quotes).allSatisfy { at(index + $0) == "\"" }
            let hashesMatch = (0..<hashes).allSatisfy { at(index + quotes + $0) == "#" }
            return quotesMatch && hashesMatch
        }
    }
}

/// Splits blanked source into words, marks and string literals.
enum SwiftTokenizer {
    static func tokens(
        scalars: [Unicode.Scalar], blanked: [Unicode.Scalar], strings: [Range<Int>]
    ) -> [SourceToken] {
        var lineAt: [Int] = []
        lineAt.reserveCapacity(scalars.count + 1)
        var line = 1
        for scalar in scalars {
            lineAt.append(line)
            if scalar == "\n" { line += 1 }
        }
        lineAt.append(line)
        var stringStarts: [Int: Range<Int>] = [:]
        for range in strings { stringStarts[range.lowerBound] = range }
        var tokens: [SourceToken] = []
        var index = 0
        while index < blanked.count {
            if let range = stringStarts[index] {
                let text = String(String.UnicodeScalarView(scalars[range]))
                tokens.append(SourceToken(kind: .string, text: text, line: lineAt[index]))
                index = range.upperBound
                continue
            }
            let scalar = blanked[index]
            let end = tokenEnd(blanked, from: index)
            if end > index {
                let text = String(String.UnicodeScalarView(blanked[index..<end]))
                let kind: SourceToken.Kind = isWordStart(scalar) ? .word : .mark
                tokens.append(SourceToken(kind: kind, text: text, line: lineAt[index]))
            }
            index = max(end, index + 1)
        }
        return tokens
    }

    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "#" || scalar == "`" || scalar == "$"
            || scalar.properties.isAlphabetic
    }

    static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    static let operatorScalars = Set("+-*/%<>=!&|^~?".unicodeScalars)

    /// The end of the token starting at `start` (equal to `start` for whitespace).
    static func tokenEnd(_ text: [Unicode.Scalar], from start: Int) -> Int {
        let scalar = text[start]
        if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" { return start }
        var end = start + 1
        if scalar == "`" {
            while end < text.count && text[end] != "`" && text[end] != "\n" { end += 1 }
            return min(end + 1, text.count)
        }
        if isWordStart(scalar) || scalar.properties.numericType != nil {
            while end < text.count && isWordPart(text[end]) { end += 1 }
            if scalar == "t", end < text.count, text[end] == "!" || text[end] == "?",
                String(String.UnicodeScalarView(text[start..<end])) == "try" {
                end += 1
            }
            return end
        }
        if operatorScalars.contains(scalar) {
            while end < text.count && operatorScalars.contains(text[end]) { end += 1 }
        }
        return end
    }
}
