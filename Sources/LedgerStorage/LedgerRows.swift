import Foundation
import GRDB
import LedgerCore
import LedgerSQL

/// Reads and decodes ledger rows inside any database access, read or write.
///
/// Every stored value is parsed back through the core's validating initialisers; a value
/// that fails is reported as `StorageError.corruptRow`, never trusted and never a crash.
enum LedgerRows {
    // MARK: Decoding

    static func text(_ row: some SQLRow, _ column: String) throws -> String {
        try row.value(String.self, named: column)
    }

    static func integer(_ row: some SQLRow, _ column: String) throws -> Int64 {
        try row.value(Int64.self, named: column)
    }

    static func parse<Value>(
        _ row: some SQLRow, _ column: String, table: String, _ parse: (String) -> Value?
    ) throws -> Value {
        let raw = try text(row, column)
        guard let value = parse(raw) else {
            throw StorageError.corruptRow(table: table, detail: "\(column) does not parse")
        }
        return value
    }

    static func amount(_ row: some SQLRow, _ column: String, table: String) throws -> Amount {
        guard let amount = Amount(minorUnits: try integer(row, column)) else {
            throw StorageError.corruptRow(table: table, detail: "\(column) is out of range")
        }
        return amount
    }

    /// The text in column `index`, parsed: for hot paths that read by position (a
    /// lookup by name lower-cases and hashes the name for every row).
    static func parse<Value>(
        _ row: some SQLRow, atIndex index: Int, table: String, _ parse: (String) -> Value?
    ) throws -> Value {
        guard let value = parse(try row.value(String.self, at: index)) else {
            throw StorageError.corruptRow(table: table, detail: "column \(index) does not parse")
        }
        return value
    }

    /// The amount in column `index`: for hot paths that read by position.
    static func amount(_ row: some SQLRow, atIndex index: Int, table: String) throws -> Amount {
        guard let amount = Amount(minorUnits: try row.value(Int64.self, at: index)) else {
            throw StorageError.corruptRow(table: table, detail: "column \(index) is out of range")
        }
        return amount
    }

    static func metadata(_ row: some SQLRow, _ column: String, table: String) throws -> JSONValue {
        try metadata(parsing: try text(row, column), column: column, table: table)
    }

    /// The metadata in column `index`: for hot paths that read by position.
    static func metadata(_ row: some SQLRow, atIndex index: Int, table: String) throws -> JSONValue {
        try metadata(parsing: try row.value(String.self, at: index), column: "column \(index)", table: table)
    }

    private static func metadata(parsing raw: String, column: String, table: String) throws -> JSONValue {
        guard let value = try? JSONParser.parse(Array(raw.utf8)) else {
            throw StorageError.corruptRow(table: table, detail: "\(column) is not valid metadata")
        }
        return value
    }

    // MARK: Assets

    static let assetColumns = "code, scale, name, created_at"

    static func asset(from row: some SQLRow) throws -> Asset {
        let scale = try integer(row, "scale")
        guard Limits.assetScaleRange.contains(Int(scale)) else {
            throw StorageError.corruptRow(table: "assets", detail: "scale out of range")
        }
        return Asset(
            code: try parse(row, "code", table: "assets", AssetCode.init),
            scale: Int(scale),
            name: try text(row, "name"),
            createdAt: try parse(row, "created_at", table: "assets", Timestamp.init)
        )
    }

    static func asset(_ db: some SQLConnection, code: AssetCode) throws -> Asset? {
        let row = try db.fetchOne("SELECT \(assetColumns) FROM assets WHERE code = ?", [code.rawValue])
        return try row.map { try asset(from: $0) }
    }

    // MARK: Accounts

    static let accountColumns = "seq, id, code, type, constraint_kind, metadata, created_at, closed_at"

    /// An account and its row sequence number (the key other tables reference).
    struct StoredAccount {
        let seq: Int64
        let account: Account
    }

    static func account(_ db: some SQLConnection, from row: some SQLRow) throws -> StoredAccount {
        let seq = try integer(row, "seq")
        let allowed = try db.fetchValues(
            String.self, "SELECT asset FROM account_allowed_assets WHERE account_seq = ? ORDER BY asset", [seq]
        )
        var allowedAssets: [AssetCode]?
        if !allowed.isEmpty {
            allowedAssets = try allowed.map { text in
                guard let code = AssetCode(text) else {
                    throw StorageError.corruptRow(table: "account_allowed_assets", detail: "asset does not parse")
                }
                return code
            }
        }
        let constraintText = try row.value(String?.self, named: "constraint_kind")
        var constraint: BalanceConstraint?
        if let constraintText {
            guard let parsed = BalanceConstraint(rawValue: constraintText) else {
                throw StorageError.corruptRow(table: "accounts", detail: "constraint_kind does not parse")
            }
            constraint = parsed
        }
        let closedText = try row.value(String?.self, named: "closed_at")
        var closedAt: Timestamp?
        if let closedText {
            guard let parsed = Timestamp(closedText) else {
                throw StorageError.corruptRow(table: "accounts", detail: "closed_at does not parse")
            }
            closedAt = parsed
        }
        let account = Account(
            id: try parse(row, "id", table: "accounts", AccountID.init),
            code: try parse(row, "code", table: "accounts", AccountCode.init),
            type: try parse(row, "type", table: "accounts", AccountType.init(rawValue:)),
            allowedAssets: allowedAssets,
            constraint: constraint,
            metadata: try metadata(row, "metadata", table: "accounts"),
            createdAt: try parse(row, "created_at", table: "accounts", Timestamp.init),
            closedAt: closedAt
        )
        return StoredAccount(seq: seq, account: account)
    }

    static func account(_ db: some SQLConnection, reference: AccountReference) throws -> StoredAccount? {
        let (column, value) = switch reference {
        case .id(let id): ("id", id.rawValue)
        case .code(let code): ("code", code.rawValue)
        }
        return try db.fetchOne("SELECT \(accountColumns) FROM accounts WHERE \(column) = ?", [value])
            .map { try account(db, from: $0) }
    }

    // MARK: Transactions

    static let transactionSelect = """
        SELECT t.seq, t.id, t.date, t.description, t.metadata, t.recorded_at,
               original.id AS reverses_id, reversal.id AS reversed_by_id
        FROM transactions t
        LEFT JOIN transactions original ON original.seq = t.reverses_seq
        LEFT JOIN transactions reversal ON reversal.reverses_seq = t.seq
        """

    static func transaction(_ db: some SQLConnection, from row: some SQLRow) throws -> LedgerTransaction {
        let seq = try integer(row, "seq")
        let postingRows = try db.fetchAll("""
                SELECT a.id AS account_id, a.code AS account_code, p.asset, p.amount
                FROM postings p JOIN accounts a ON a.seq = p.account_seq
                WHERE p.transaction_seq = ? ORDER BY p.position
                """, [seq])
        let postings = try postingRows.map { posting in
            let amount = try amount(posting, "amount", table: "postings")
            guard !amount.isZero else { throw StorageError.corruptRow(table: "postings", detail: "amount is zero") }
            return Posting(
                accountID: try parse(posting, "account_id", table: "accounts", AccountID.init),
                accountCode: try parse(posting, "account_code", table: "accounts", AccountCode.init),
                asset: try parse(posting, "asset", table: "postings", AssetCode.init),
                amount: amount
            )
        }
        guard postings.count >= Limits.postingsMin else {
            throw StorageError.corruptRow(table: "postings", detail: "transaction has fewer than two postings")
        }
        let reversesText = try row.value(String?.self, named: "reverses_id")
        let reversedByText = try row.value(String?.self, named: "reversed_by_id")
        return LedgerTransaction(
            id: try parse(row, "id", table: "transactions", TransactionID.init),
            date: try parse(row, "date", table: "transactions", LocalDate.init),
            description: try text(row, "description"),
            metadata: try metadata(row, "metadata", table: "transactions"),
            postings: postings,
            recordedAt: try parse(row, "recorded_at", table: "transactions", Timestamp.init),
            reversesID: reversesText.flatMap(TransactionID.init),
            reversedByID: reversedByText.flatMap(TransactionID.init)
        )
    }

    static func transaction(
        _ db: some SQLConnection, id: TransactionID
    ) throws -> (seq: Int64, transaction: LedgerTransaction)? {
        guard let row = try db.fetchOne("\(transactionSelect) WHERE t.id = ?", [id.rawValue]) else { return nil }
        return (try integer(row, "seq"), try transaction(db, from: row))
    }
}

/// Accounts a store's writes have resolved before, by reference, so the serialized writer
/// does not re-read and re-parse the same accounts (their metadata, allowed assets) for
/// every transaction.
///
/// An account row never changes except to be closed, once, and is never deleted; so an
/// entry is confirmed with one key lookup — the same row (sequence number *and* random
/// id, so a rolled-back account whose number was reused is not mistaken for its
/// successor) with the same closing — and read afresh otherwise. Per store: sequence
/// numbers and seeded ids repeat across databases. Bounded: emptied when full.
final class AccountMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var accounts: [AccountReference: LedgerRows.StoredAccount] = [:]
    static let capacity = 8_192

    /// The remembered account for `reference`, if the database still holds it unchanged.
    func confirmed(_ db: some SQLConnection, reference: AccountReference) throws -> LedgerRows.StoredAccount? {
        guard let known = lock.withLock({ accounts[reference] }) else { return nil }
        guard let row = try db.fetchOne(
            "SELECT closed_at FROM accounts WHERE seq = ? AND id = ?", [known.seq, known.account.id.rawValue]
        ), try row.value(String?.self, at: 0) == known.account.closedAt?.description else { return nil }
        return known
    }

    func remember(_ stored: LedgerRows.StoredAccount, for reference: AccountReference) {
        lock.withLock {
            if accounts.count >= Self.capacity { accounts.removeAll(keepingCapacity: true) }
            accounts[reference] = stored
        }
    }
}
