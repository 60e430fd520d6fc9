import Foundation
import FundCore
import GRDB
public import LedgerCore
import LedgerSQL
import LedgerEngine

/// The named writes. Each runs inside `write(idempotency:_:)`: one database transaction,
/// committed and synced before the method returns, rolled back whole on any error.
extension SQLLedgerStore {
    public func registerAsset(
        _ draft: AssetDraft, by principal: Principal, idempotency: Idempotency<Asset>?
    ) async throws -> WriteOutcome<Asset> {
        return try await write(idempotency: idempotency) { db, now in
            let asset = try draft.validated(at: now)
            guard try LedgerRows.asset(db, code: asset.code) == nil else {
                throw Rejection.assetExists(code: asset.code)
            }
            try Self.insert(asset, in: db)
            try AuditLogWriter.append(db, event: .assetRegistered(asset), balances: [], by: principal, at: now)
            return asset
        }
    }

    public func openAccount(
        _ draft: AccountDraft, by principal: Principal, idempotency: Idempotency<Account>?
    ) async throws -> WriteOutcome<Account> {
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let account = try draft.validated(id: AccountID(bytes: identifiers.nextIdentifierBytes()), at: now)
            guard try LedgerRows.account(db, reference: .code(account.code)) == nil else {
                throw Rejection.accountExists(code: account.code)
            }
            for asset in account.allowedAssets ?? [] where try LedgerRows.asset(db, code: asset) == nil {
                throw Rejection.unknownAsset(code: asset.rawValue)
            }
            try Self.insert(account, in: db)
            try AuditLogWriter.append(db, event: .accountOpened(account), balances: [], by: principal, at: now)
            return account
        }
    }

    /// Writes a validated asset whose code is free.
    static func insert(_ asset: Asset, in db: some SQLConnection) throws {
        try db.execute(
            "INSERT INTO assets (code, scale, name, created_at) VALUES (?, ?, ?, ?)",
            [asset.code.rawValue, asset.scale, asset.name, asset.createdAt.description]
        )
    }

    /// Writes a validated account whose code is free and whose assets are registered.
    static func insert(_ account: Account, in db: some SQLConnection) throws {
        let seq = try db.fetchValue(
            Int64.self,
            """
            INSERT INTO accounts (id, code, type, constraint_kind, metadata, created_at, closed_at)
            VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING seq
            """,
            [
                account.id.rawValue, account.code.rawValue, account.type.rawValue, account.constraint?.rawValue,
                account.metadata.canonicalText, account.createdAt.description,
            ]
        )
        for asset in account.allowedAssets ?? [] {
            try db.execute(
                "INSERT INTO account_allowed_assets (account_seq, asset) VALUES (?, ?)", [seq, asset.rawValue]
            )
        }
    }

    public func closeAccount(
        _ reference: AccountReference, by principal: Principal, idempotency: Idempotency<Account>?
    ) async throws -> WriteOutcome<Account> {
        return try await write(idempotency: idempotency) { db, now in
            guard let stored = try LedgerRows.account(db, reference: reference) else {
                throw Rejection.notFound(resource: "account", reference: reference.description)
            }
            guard !stored.account.isClosed else { throw Rejection.accountAlreadyClosed(account: stored.account.code) }
            if let text = try db.fetchValue(String.self, """
                    SELECT asset FROM balances WHERE account_seq = ? AND balance <> 0 ORDER BY asset LIMIT 1
                    """, [stored.seq]) {
                guard let asset = AssetCode(text) else {
                    throw StorageError.corruptRow(table: "balances", detail: "asset does not parse")
                }
                throw Rejection.accountNotEmpty(account: stored.account.code, asset: asset)
            }
            try Self.close(stored.account.id, at: now, in: db)
            guard let closed = try LedgerRows.account(db, reference: reference) else {
                preconditionFailure("an account read back in its own write transaction exists")
            }
            try AuditLogWriter.append(db, event: .accountClosed(closed.account), balances: [], by: principal, at: now)
            return closed.account
        }
    }

    /// Marks an account closed (its balances are all zero: the caller checked).
    static func close(_ id: AccountID, at time: Timestamp, in db: some SQLConnection) throws {
        try db.execute("UPDATE accounts SET closed_at = ? WHERE id = ?", [time.description, id.rawValue])
    }

    @_specialize(where Engine == SQLiteEngine)
    public func recordTransaction(
        _ draft: TransactionDraft, by principal: Principal, idempotency: Idempotency<LedgerTransaction>?
    ) async throws -> WriteOutcome<LedgerTransaction> {
        // Stateless rules (reserved metadata keys first) are checked before entering the
        // serialized writer, for every caller: the engine's one rule for raw transactions.
        let checked = try RawTransactionRule.checked(draft)
        let identifiers = self.identifiers
        let accountMemo = self.accountMemo
        return try await write(idempotency: idempotency) { db, now in
            var log = try AuditLogWriter(db)
            var lookups = BatchLookups(memo: accountMemo)
            return try Self.record(
                checked, id: TransactionID(bytes: identifiers.nextIdentifierBytes()), by: principal, at: now, in: db,
                log: &log, lookups: &lookups
            )
        }
    }

    /// Resolves a checked draft against the ledger, writes it and appends its log entry:
    /// the part of recording a transaction that single and batch writes share.
    static func record(
        _ draft: CheckedTransactionDraft, id: TransactionID, by principal: Principal, at now: Timestamp,
        in db: some SQLConnection, log: inout AuditLogWriter, lookups: inout BatchLookups
    ) throws -> LedgerTransaction {
        let (transaction, balances) = try insertTransaction(
            draft, id: id, at: now, in: db, lookups: &lookups, refusingFundStepAccounts: true
        )
        try log.append(db, event: .transactionRecorded(transaction), balances: balances, by: principal, at: now)
        return transaction
    }

    /// Resolves a checked draft against the ledger and writes it, without a log entry:
    /// for callers whose own entry carries the transaction (fund actions).
    static func insertTransaction(
        _ draft: CheckedTransactionDraft, id: TransactionID, at now: Timestamp, in db: some SQLConnection
    ) throws -> (LedgerTransaction, [BalanceSnapshot]) {
        var lookups = BatchLookups()
        return try insertTransaction(draft, id: id, at: now, in: db, lookups: &lookups)
    }

    /// Accounts and registered assets read while recording one batch of transactions. A
    /// transaction never changes an account or an asset row, so what one item of the
    /// batch read stays true for the next — a rolled-back item wrote neither. Only a
    /// caller that records nothing but transactions may keep one across items.
    struct BatchLookups {
        /// The store's accounts seen in earlier writes, confirmed by one key lookup each.
        var memo: AccountMemo?
        var accounts: [AccountReference: LedgerRows.StoredAccount] = [:]
        var assets: Set<AssetCode> = []
    }

    /// `insertTransaction` reading accounts and assets through the batch's lookups; a raw
    /// transaction (`refusingFundStepAccounts`) may not post to the accounts a fund opened,
    /// except to bring money into its cash — only the fund's steps do the rest.
    static func insertTransaction(
        _ draft: CheckedTransactionDraft, id: TransactionID, at now: Timestamp, in db: some SQLConnection,
        lookups: inout BatchLookups, refusingFundStepAccounts: Bool = false
    ) throws -> (LedgerTransaction, [BalanceSnapshot]) {
        let accounts = try resolveAccounts(of: draft, in: db, lookups: &lookups)
        let assets = try registeredAssets(of: draft, in: db, lookups: &lookups)
        let transaction = try draft.resolved(
            id: id, recordedAt: now, accounts: accounts.mapValues(\.account), registeredAssets: assets
        )
        try refuseClosedPeriod(transaction.date, in: db)
        let byID = Dictionary(accounts.values.map { ($0.account.id, $0) }, uniquingKeysWith: { first, _ in first })
        if refusingFundStepAccounts { try refuseRawFundPostings(transaction, accounts: byID) }
        let balances = try TransactionWriter.insert(db, transaction: transaction, reversesSeq: nil, accounts: byID)
        return (transaction, balances)
    }

    /// The accounts the draft names that exist, read through the batch's lookups.
    private static func resolveAccounts(
        of draft: CheckedTransactionDraft, in db: some SQLConnection, lookups: inout BatchLookups
    ) throws -> [AccountReference: LedgerRows.StoredAccount] {
        var accounts: [AccountReference: LedgerRows.StoredAccount] = [:]
        for reference in draft.accountReferences {
            if let known = lookups.accounts[reference] {
                accounts[reference] = known
            } else if let stored = try lookups.memo?.confirmed(db, reference: reference)
                ?? LedgerRows.account(db, reference: reference) {
                accounts[reference] = stored
                lookups.accounts[reference] = stored
                lookups.memo?.remember(stored, for: reference)
            }
        }
        return accounts
    }

    /// The draft's assets that are registered, read through the batch's lookups.
    private static func registeredAssets(
        of draft: CheckedTransactionDraft, in db: some SQLConnection, lookups: inout BatchLookups
    ) throws -> Set<AssetCode> {
        var assets: Set<AssetCode> = []
        for asset in Set(draft.postings.map(\.asset)) {
            if lookups.assets.contains(asset) {
                assets.insert(asset)
            } else if try LedgerRows.asset(db, code: asset) != nil {
                assets.insert(asset)
                lookups.assets.insert(asset)
            }
        }
        return assets
    }

    /// Refuses a raw transaction that posts to an account a fund opened (its metadata
    /// names the fund, not merely its code) other than money coming into the fund's cash:
    /// see `FundChart.allowsRawPosting(toFundAccount:amount:)`.
    static func refuseRawFundPostings(
        _ transaction: LedgerTransaction, accounts: [AccountID: LedgerRows.StoredAccount]
    ) throws {
        for posting in transaction.postings {
            guard let stored = accounts[posting.accountID], isFundOpened(stored.account),
                  !FundChart.allowsRawPosting(toFundAccount: posting.accountCode, amount: posting.amount)
            else { continue }
            throw Rejection.fundAccount(account: posting.accountCode)
        }
    }

    /// Whether a fund opened `account`: its metadata names the fund.
    static func isFundOpened(_ account: Account) -> Bool {
        guard case .object(let metadata) = account.metadata else { return false }
        return metadata["fund"] != nil
    }

    public func reverseTransaction(
        _ id: TransactionID, date: LocalDate?, description: String?, by principal: Principal,
        idempotency: Idempotency<LedgerTransaction>?
    ) async throws -> WriteOutcome<LedgerTransaction> {
        if let description, let problem = TextRules.problem(
            in: description, field: "description", lengthMax: Limits.descriptionLengthMax, allowsEmpty: true
        ) {
            throw Rejection.invalidFields([problem])
        }
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            if let (_, original) = try LedgerRows.transaction(db, id: id) {
                try Self.refuseFundOwned(original, in: db)
            }
            let (reversal, balances) = try Self.insertReversal(
                of: id, id: TransactionID(bytes: identifiers.nextIdentifierBytes()), date: date ?? now.date,
                description: description, at: now, in: db, refusingFundPostings: true
            )
            try AuditLogWriter.append(
                db, event: .transactionRecorded(reversal), balances: balances, by: principal, at: now
            )
            guard let (_, recorded) = try LedgerRows.transaction(db, id: reversal.id) else {
                preconditionFailure("a transaction read back in its own write transaction exists")
            }
            return recorded
        }
    }

    /// Writes the reversal of transaction `original`, without a log entry (callers log it).
    /// A raw reversal (`refusingFundPostings`) obeys the raw transactions' rule: it may
    /// not take money out of a fund's cash either (reversing a raw inflow would).
    static func insertReversal(
        of original: TransactionID, id: TransactionID, date: LocalDate, description: String?, at now: Timestamp,
        in db: some SQLConnection, refusingFundPostings: Bool = false
    ) throws -> (LedgerTransaction, [BalanceSnapshot]) {
        guard let (seq, transaction) = try LedgerRows.transaction(db, id: original) else {
            throw Rejection.notFound(resource: "transaction", reference: original.rawValue)
        }
        if let reversal = transaction.reversedByID {
            throw Rejection.alreadyReversed(transaction: original, reversal: reversal)
        }
        return try insertReversalUnchecked(
            of: transaction, seq: seq, id: id, date: date, description: description, at: now, in: db,
            refusingFundPostings: refusingFundPostings
        )
    }

    /// Refuses to reverse, through the raw ledger, a transaction a fund step owns: its
    /// state (a pledge's, a disbursement's) is derived from it.
    static func refuseFundOwned(_ transaction: LedgerTransaction, in db: some SQLConnection) throws {
        if let step = ReservedMetadata.owningStep(of: transaction.metadata) {
            throw Rejection.managedByFund(transaction: transaction.id, step: step)
        }
        // Reversing a fund step's reversal would re-book the step behind the fund's back.
        if let original = transaction.reversesID, let (_, reversed) = try LedgerRows.transaction(db, id: original) {
            try refuseFundOwned(reversed, in: db)
        }
    }

    /// Metadata keys that mark a transaction as a fund step's; raw transactions may not use
    /// them. The list and the rule live in FundCore (`ReservedMetadata`); kept here for
    /// callers that still name it.
    public static var fundMetadataKeys: [String] { ReservedMetadata.keys }

    private static func insertReversalUnchecked(
        of transaction: LedgerTransaction, seq: Int64, id: TransactionID, date: LocalDate, description: String?,
        at now: Timestamp, in db: some SQLConnection, refusingFundPostings: Bool
    ) throws -> (LedgerTransaction, [BalanceSnapshot]) {
        let reversal = transaction.reversal(id: id, date: date, description: description, recordedAt: now)
        try refuseClosedPeriod(reversal.date, in: db)
        var accounts: [AccountID: LedgerRows.StoredAccount] = [:]
        for posting in reversal.postings where accounts[posting.accountID] == nil {
            guard let stored = try LedgerRows.account(db, reference: .id(posting.accountID)) else {
                throw StorageError.corruptRow(table: "postings", detail: "posting names a missing account")
            }
            guard !stored.account.isClosed else { throw Rejection.accountClosed(account: stored.account.code) }
            accounts[posting.accountID] = stored
        }
        if refusingFundPostings { try refuseRawFundPostings(reversal, accounts: accounts) }
        let balances = try TransactionWriter.insert(db, transaction: reversal, reversesSeq: seq, accounts: accounts)
        return (reversal, balances)
    }
}
