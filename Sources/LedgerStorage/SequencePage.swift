import LedgerSQL

/// A page of a list ordered by its table's `seq`, filled row by row: the one definition
/// the pledge, disbursement and cash-adjustment lists share, whose status filters SQL can
/// only narrow and Swift decides (a candidate row may still be passed over).
///
/// The cursor is `[list name, last seq]`, so a cursor one list issued is refused by the
/// others (`InvalidCursor`).
enum SequencePage {
    /// The `seq` after which `page` starts: 0 without a cursor.
    static func start(of page: PageRequest, list name: String) throws -> Int64 {
        guard let cursor = page.cursor else { return 0 }
        guard cursor.fields.count == 2, cursor.fields[0] == name, let seq = Int64(cursor.fields[1]) else {
            throw InvalidCursor()
        }
        return seq
    }

    /// Up to `limit` views of the rows `sql` selects (each with its `seq`, in `seq` order);
    /// `view` gives a row's view, or `nil` to pass it over. Finding one more view than fits
    /// means there is another page, which starts after the last `seq` kept.
    static func fill<View: Sendable, Connection: SQLConnection>(
        _ db: Connection, _ sql: String, _ arguments: SQLArguments, limit: Int, list name: String,
        view: (Connection.Row) throws -> View?
    ) throws -> Page<View> {
        var views: [View] = []
        var last: Int64 = 0
        var next: PageCursor?
        try db.forEachRow(sql, arguments) { row in
            guard let item = try view(row) else { return true }
            guard views.count < limit else {
                next = PageCursor(fields: [name, String(last)])
                return false
            }
            views.append(item)
            last = try LedgerRows.integer(row, "seq")
            return true
        }
        return Page(items: views, nextCursor: next)
    }
}
