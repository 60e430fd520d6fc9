public import LedgerSQL

/// Copies a whole ledger, row for row, from one database to an empty one of either engine:
/// the book, the log with its Merkle nodes and signed checkpoints, API keys and people,
/// members' and beneficiaries' private data, idempotency records — every table both
/// schemas share, so nothing a server, `verify` or a report reads is left behind.
///
/// Why rows and not replayed steps: the log's bytes are signed; replaying the steps would
/// write new entries, new timestamps and a new history. Copied rows keep every byte, and
/// `verify` on the destination proves the copy (same entries, same root).
///
/// The caller runs `copy` with the source in one read snapshot and the destination in one
/// write transaction: an interrupted copy leaves the destination as empty as it was, so
/// it can simply be run again. The destination's own triggers check every row on the way
/// in (balance per asset, dense log, four eyes, erasures).
public enum LedgerCopy {
    /// One table: its name and the key its rows are read in (an order every trigger
    /// accepts: a transaction after its postings, log entries by index, steps in order).
    struct Table {
        let name: String
        let order: String
    }

    /// Every table both schemas have, in an order that satisfies their foreign keys and
    /// triggers (postings before their transaction, whose trigger checks the balance; a
    /// private row before its erasure). The migration bookkeeping and PostgreSQL's
    /// `log_head` are each engine's own and are not copied.
    static let tables: [Table] = [
        Table(name: "assets", order: "code"),
        Table(name: "accounts", order: "seq"),
        Table(name: "account_allowed_assets", order: "account_seq, asset"),
        Table(name: "postings", order: "transaction_seq, position"),
        Table(name: "transactions", order: "seq"),
        Table(name: "balances", order: "account_seq, asset"),
        Table(name: "balance_days", order: "account_seq, asset, date"),
        Table(name: "log_entries", order: "idx"),
        Table(name: "log_subjects", order: "idx, subject"),
        Table(name: "log_nodes", order: "level, idx"),
        Table(name: "log_checkpoints", order: "tree_size"),
        Table(name: "log_cosignatures", order: "tree_size, witness"),
        Table(name: "log_rebuilds", order: "tree_size"),
        Table(name: "log_key_rotations", order: "entry_index"),
        Table(name: "people", order: "id"),
        Table(name: "api_keys", order: "id"),
        Table(name: "api_key_people", order: "key_id"),
        Table(name: "members", order: "id"),
        Table(name: "member_private", order: "member_id"),
        Table(name: "member_erasures", order: "member_id"),
        Table(name: "funds", order: "seq"),
        Table(name: "fund_assets", order: "fund_seq, asset"),
        Table(name: "pledges", order: "seq"),
        Table(name: "pledge_cancellations", order: "pledge_id"),
        Table(name: "contributions", order: "seq"),
        Table(name: "disbursements", order: "seq"),
        Table(name: "disbursement_steps", order: "disbursement_id, position"),
        Table(name: "disbursement_holds", order: "disbursement_id"),
        Table(name: "disbursement_hold_releases", order: "disbursement_id"),
        Table(name: "beneficiary_commitments", order: "disbursement_id"),
        Table(name: "beneficiary_private", order: "disbursement_id"),
        Table(name: "beneficiary_erasures", order: "disbursement_id"),
        Table(name: "conversions", order: "seq"),
        Table(name: "fx_rates", order: "base, quote, date"),
        Table(name: "cash_adjustments", order: "seq"),
        Table(name: "cash_adjustment_steps", order: "adjustment_id, position"),
        // After every dated row: the destination's triggers refuse a transaction or a rate
        // dated in a closed period, as they would a new one.
        Table(name: "period_closings", order: "seq"),
        Table(name: "idempotency_keys", order: "key"),
    ]

    /// What a copy wrote: rows per table, in copy order.
    public struct Summary: Sendable, Equatable {
        public let rows: [(table: String, count: Int)]

        public static func == (left: Summary, right: Summary) -> Bool {
            left.rows.elementsEqual(right.rows) { $0.table == $1.table && $0.count == $1.count }
        }

        /// Every row written.
        public var total: Int { rows.reduce(0) { $0 + $1.count } }
    }

    /// A destination that already holds a ledger (any row in any table): a copy never
    /// merges two ledgers.
    public struct DestinationNotEmpty: Error, CustomStringConvertible, Sendable {
        public let table: String
        public var description: String {
            "the destination is not empty (its \(table) table has rows): a copy goes into a new, empty database"
        }
    }

    /// Copies every table from `source` to `destination`; `progress` is told each table's
    /// name and row count as it finishes.
    public static func copy(
        from source: some SQLConnection, to destination: some SQLConnection,
        progress: (String, Int) -> Void = { _, _ in }
    ) throws -> Summary {
        try requireEmpty(destination)
        var rows: [(table: String, count: Int)] = []
        for table in tables {
            let count = try copy(table, from: source, to: destination)
            rows.append((table.name, count))
            progress(table.name, count)
        }
        if destination.dialect == .postgresql { try continueIdentities(destination) }
        return Summary(rows: rows)
    }

    /// Throws `DestinationNotEmpty` unless every table of a ledger is empty in `db`.
    static func requireEmpty(_ db: some SQLConnection) throws {
        for table in tables {
            let hasRows = try db.fetchValue(Int64.self, "SELECT 1 FROM \(table.name) LIMIT 1") != nil
            guard !hasRows else { throw DestinationNotEmpty(table: table.name) }
        }
    }

    /// One table's rows, in its order, inserted with the source's column names (the
    /// engines agree on names, not always on column order).
    static func copy(
        _ table: Table, from source: some SQLConnection, to destination: some SQLConnection
    ) throws -> Int {
        var cursor = try source.makeCursor("SELECT * FROM \(table.name) ORDER BY \(table.order)", [])
        var insert: String?
        var count = 0
        while let row = try cursor.next() {
            let columns = row.sqlColumnNames
            let statement = insert ?? Self.insert(into: table.name, columns: columns, dialect: destination.dialect)
            insert = statement
            try destination.execute(statement, SQLArguments(try columns.indices.map { try row.sqlValue(atIndex: $0) }))
            count += 1
        }
        return count
    }

    /// The INSERT of one row. PostgreSQL's identity columns refuse a given value unless
    /// told to take it (`OVERRIDING SYSTEM VALUE`): a copy keeps every `seq`.
    static func insert(into table: String, columns: [String], dialect: SQLDialect) -> String {
        let overriding = dialect == .postgresql ? " OVERRIDING SYSTEM VALUE" : ""
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns.joined(separator: ", ")))\(overriding) VALUES (\(placeholders))"
    }

    /// Moves each PostgreSQL identity past the largest copied value, so the next row the
    /// ledger writes gets a new `seq` (SQLite's rowids continue from the largest by
    /// themselves).
    static func continueIdentities(_ db: some SQLConnection) throws {
        let identities = try db.fetchAll(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name
            """,
            []
        )
        for identity in identities {
            let table = try identity.value(String.self, at: 0)
            let column = try identity.value(String.self, at: 1)
            try db.execute(
                """
                SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false)
                FROM \(table)
                """,
                []
            )
        }
    }
}
