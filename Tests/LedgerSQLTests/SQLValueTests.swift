// Goal: a column decodes to what the ledger stored or is refused with a named error —
// never guessed (a flag of 2, a NULL read as zero, text read as bytes).
import LedgerSQL
import Testing

@Suite struct SQLValueTests {
    /// A row held in memory, as an engine's adapter hands one over.
    struct Row: SQLRow {
        let columns: [(String, SQLValue)]

        func sqlValue(named column: String) throws(SQLDecodingError) -> SQLValue {
            guard let found = columns.first(where: { $0.0 == column }) else { throw .missingColumn(column) }
            return found.1
        }

        func sqlValue(atIndex index: Int) throws(SQLDecodingError) -> SQLValue {
            guard columns.indices.contains(index) else { throw .missingColumn("#\(index)") }
            return columns[index].1
        }

        func detached() -> Row { self }

        var sqlColumnNames: [String] { columns.map(\.0) }
    }

    let row = Row(columns: [
        ("seq", .integer(42)), ("code", .text("cash")), ("hash", .blob([1, 2])), ("reverses", .null),
        ("flag", .integer(1)), ("odd_flag", .integer(2)),
    ])

    @Test func decodesEachStorageClass() throws {
        #expect(try row.value(Int64.self, named: "seq") == 42)
        #expect(try row.value(Int.self, at: 0) == 42)
        #expect(try row.value(String.self, named: "code") == "cash")
        #expect(try row.value([UInt8].self, named: "hash") == [1, 2])
        #expect(try row.value(Int64?.self, named: "reverses") == nil)
        #expect(try row.value(Int64?.self, named: "seq") == 42)
        #expect(try row.value(Bool.self, named: "flag"))
    }

    @Test func refusesWhatWasNotStored() {
        #expect(throws: SQLDecodingError(column: "reverses", detail: "expected an integer, found NULL")) {
            try row.value(Int64.self, named: "reverses")
        }
        #expect(throws: SQLDecodingError(column: "code", detail: "expected bytes, found text")) {
            try row.value([UInt8].self, named: "code")
        }
        #expect(throws: SQLDecodingError(column: "odd_flag", detail: "a flag other than 0 or 1")) {
            try row.value(Bool.self, named: "odd_flag")
        }
        #expect(throws: SQLDecodingError.missingColumn("absent")) { try row.value(Int64.self, named: "absent") }
        #expect(throws: SQLDecodingError.missingColumn("#9")) { try row.value(Int64.self, at: 9) }
    }

    @Test func argumentsBindInOrderWithNulls() {
        let none: String? = nil
        let arguments: SQLArguments = [Int64(7), "x", none, [UInt8]([9]), true]
        #expect(arguments.values == [.integer(7), .text("x"), .null, .blob([9]), .integer(1)])
        #expect((arguments + [3]).values.count == 6)
    }

    @Test func dialectsSpellJSONPaths() {
        #expect(SQLDialect.sqlite.jsonArrayElementText("p.i", index: 0, key: "due_date")
            == "json_extract(p.i, '$[0].due_date')")
        #expect(SQLDialect.postgresql.jsonArrayElementText("p.i", index: 0, key: "due_date")
            == "(p.i::json -> 0 ->> 'due_date')")
    }
}
