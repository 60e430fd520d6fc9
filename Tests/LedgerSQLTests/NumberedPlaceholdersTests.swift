// Goal: a statement written once with `?` reaches PostgreSQL with `$1…$n` in the same
// places, and no `?` inside a literal, an identifier, a comment or a dollar body is touched
// (a wrong number would bind an amount to the wrong column).
import LedgerSQL
import Testing

@Suite struct NumberedPlaceholdersTests {
    @Test(arguments: [
        ("SELECT 1", "SELECT 1", 0),
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2", 2),
        ("INSERT INTO t VALUES (?,?,?)", "INSERT INTO t VALUES ($1,$2,$3)", 3),
        ("SELECT '?' , ?", "SELECT '?' , $1", 1),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1),
        ("SELECT \"odd?name\" FROM t WHERE x = ?", "SELECT \"odd?name\" FROM t WHERE x = $1", 1),
        ("SELECT ? -- what? \n, ?", "SELECT $1 -- what? \n, $2", 2),
        ("SELECT ? /* a ? b */ , ?", "SELECT $1 /* a ? b */ , $2", 2),
        ("SELECT ? /*/ ? */ , ?", "SELECT $1 /*/ ? */ , $2", 2),
        ("SELECT json_extract(x, '$[0].due_date') <= ?", "SELECT json_extract(x, '$[0].due_date') <= $1", 1),
        ("DO $body$ SELECT '?' $body$; SELECT ?", "DO $body$ SELECT '?' $body$; SELECT $1", 1),
        ("SELECT $$ ? $$, ?", "SELECT $$ ? $$, $1", 1),
        ("SELECT 'unterminated ?", "SELECT 'unterminated ?", 0),
        ("SELECT ? - 1, 2-?", "SELECT $1 - 1, 2-$2", 2),
    ])
    func rewritesOnlyRealPlaceholders(sql: String, expected: String, count: Int) {
        let rewritten = NumberedPlaceholders.rewrite(sql)
        #expect(rewritten.sql == expected)
        #expect(rewritten.count == count)
    }

    @Test func numbersBeyondNine() {
        let sql = Array(repeating: "?", count: 12).joined(separator: ",")
        #expect(NumberedPlaceholders.rewrite(sql).sql == (1...12).map { "$\($0)" }.joined(separator: ","))
    }
}
