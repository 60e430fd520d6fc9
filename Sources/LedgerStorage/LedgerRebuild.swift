public import AuditLog
import Foundation
import FundCore
public import LedgerCore
public import LedgerSQL

/// Rebuilds a whole ledger from its log alone — the entries a mirror holds — into an
/// empty database: every asset, account, transaction, balance, key and fund object.
///
/// Each entry is written as its step wrote it, through the same row writers the steps use,
/// in log order (so every table's trigger checks it again: balances per asset, four eyes,
/// erasures); then the entry is appended again by the same `LogAppender` from what was just
/// written — the balances the rows now hold, the chain as rebuilt — and must come out byte
/// for byte the entry the mirror holds. An entry that does not is refused, and nothing is
/// kept (the caller's one transaction rolls back). At the end the rebuilt tree's root must
/// be the witnessed checkpoint's, which is stored with its cosignatures.
///
/// What the log does not hold is not invented: private data (members' names and contacts,
/// beneficiaries' names, the names behind keys) stays absent — the `log_rebuilds` row tells
/// `verify` so — and rebuilt API keys get a secret hash nobody knows the secret of, so no
/// token authenticates with them; the operator issues new keys. Idempotency records, which
/// the log never held, start empty.
public enum LedgerRebuild {
    /// What a rebuild wrote.
    public struct Summary: Sendable, Equatable {
        public let entries: Int64
        public let transactions: Int
        public let root: Hash
    }

    /// A signed checkpoint to rebuild up to: the log's own note (its text and the log's
    /// signature) and the witnesses' cosignature lines, keyed by each witness's vkey.
    public struct Target: Sendable {
        public let checkpoint: Checkpoint
        public let logNote: String
        public let cosignatures: [(witness: String, line: String)]

        public init(checkpoint: Checkpoint, logNote: String, cosignatures: [(witness: String, line: String)]) {
            self.checkpoint = checkpoint
            self.logNote = logNote
            self.cosignatures = cosignatures
        }
    }

    /// The name a rebuilt person carries: the log holds only a commitment to it.
    public static let privateNameNotHeld = "(not held: rebuilt from the log)"

    /// Rebuilds the log's entries up to `target.checkpoint.treeSize` into `db`, inside the
    /// one write transaction the caller opened: from nothing into an empty migrated
    /// database (`kept` 0), or past the `kept` entries a restored backup holds — which must
    /// be, byte for byte, the mirror's first entries. `entry` gives the bytes of each index
    /// in order. Throws an `AuditFailure` naming the first entry that cannot be rebuilt
    /// exactly.
    public static func rebuild(
        into db: some SQLConnection, target: Target, after kept: Int64 = 0, at time: Timestamp,
        entry: (Int64) throws -> [UInt8], progress: (Int64, Int64) -> Void = { _, _ in }
    ) throws -> Summary {
        let size = target.checkpoint.treeSize
        try requireStart(db, kept: kept, target: size)
        var auditor = LogAuditor()
        var log = try AuditLogWriter(db)
        var transactions = 0
        for index in 0..<size {
            let bytes = try entry(index)
            let parsed = try LogAuditor.parse(index: index, data: bytes)
            try auditor.accept(parsed)
            let logged = parsed.entry
            transactions += Self.recordsTransaction(logged.event) ? 1 : 0
            if index < kept {
                guard try storedEntry(db, index) == bytes else {
                    throw AuditFailure(
                        index: index, detail: "the database's entry differs from the mirror's: it is not a prefix "
                            + "of the witnessed log (a fork, or a backup of another ledger)"
                    )
                }
                continue
            }
            do {
                let (event, balances) = try writeRows(of: logged, in: db)
                try log.append(db, event: event, balances: balances, by: logged.principal, at: logged.recordedAt)
            } catch {
                throw AuditFailure(index: index, detail: "\(logged.event.kind) cannot be rebuilt: \(error)")
            }
            guard try storedEntry(db, index) == bytes else {
                throw AuditFailure(
                    index: index, detail: "the rows rebuilt from the entry do not give the entry back byte for byte"
                )
            }
            if index % 10_000 == 9_999 { progress(index + 1, size) }
        }
        guard auditor.frontier.root == target.checkpoint.rootHash else {
            throw AuditFailure(index: nil, detail: "the entries do not give the checkpoint's root")
        }
        try store(target, from: kept, at: time, in: db)
        progress(size, size)
        return Summary(entries: size, transactions: transactions, root: auditor.frontier.root)
    }

    /// An empty database for a rebuild from nothing; one holding exactly `kept` entries,
    /// fewer than the target's, for a rebuild past a backup.
    private static func requireStart(_ db: some SQLConnection, kept: Int64, target size: Int64) throws {
        guard kept > 0 else { return try LedgerCopy.requireEmpty(db) }
        let held = try SQLMerkleNodes(db: db).currentTreeSize()
        guard held == kept else {
            throw AuditFailure(index: nil, detail: "the database holds \(held) entries, not \(kept)")
        }
        guard size > kept else {
            throw AuditFailure(
                index: nil, detail: "the witnessed checkpoint (\(size) entries) is not past the database's \(kept)"
            )
        }
    }

    private static func storedEntry(_ db: some SQLConnection, _ index: Int64) throws -> [UInt8]? {
        try db.fetchValue([UInt8].self, "SELECT data FROM log_entries WHERE idx = ?", [index])
    }

    /// The checkpoint, its cosignatures and the record that this database was rebuilt.
    private static func store(
        _ target: Target, from kept: Int64, at time: Timestamp, in db: some SQLConnection
    ) throws {
        let size = target.checkpoint.treeSize
        try SQLStatements(db: db).insertCheckpoint(treeSize: size, note: target.logNote, at: time)
        for cosignature in target.cosignatures {
            try db.execute(
                """
                INSERT INTO log_cosignatures (tree_size, witness, line, recorded_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tree_size, witness) DO NOTHING
                """,
                [size, cosignature.witness, cosignature.line, time.description]
            )
        }
        try db.execute(
            "INSERT INTO log_rebuilds (from_size, tree_size, checkpoint, rebuilt_at) VALUES (?, ?, ?, ?)",
            [kept, size, target.logNote, time.description]
        )
    }

    /// The rows one entry's change wrote; returns the event to append again (a fund step's
    /// through `FundEvent`, which names its subject as the step did) and the balances its
    /// transaction left.
    static func writeRows(
        of entry: LogEntry, in db: some SQLConnection
    ) throws -> (LedgerEvent, [BalanceSnapshot]) {
        switch entry.event {
        case .assetRegistered(let asset):
            try SQLiteLedgerStore.insert(asset, in: db)
        case .accountOpened(let account):
            try SQLiteLedgerStore.insert(account, in: db)
        case .accountClosed(let account):
            try SQLiteLedgerStore.close(account.id, at: account.closedAt ?? entry.recordedAt, in: db)
        case .transactionRecorded(let transaction):
            return (entry.event, try insert(transaction, in: db))
        case .keyCreated(let key):
            try insert(key, in: db)
        case .keyRevoked(let key):
            try SQLiteLedgerStore.revoke(keyID: key.id, at: key.revokedAt ?? entry.recordedAt, in: db)
        case .logKeyRotated(let rotation):
            try SQLiteLedgerStore.insert(rotation, index: entry.index, in: db)
        case .fundAction(let action):
            for account in action.accountsOpened { try SQLiteLedgerStore.insert(account, in: db) }
            let balances = try action.transaction.map { try insert($0, in: db) } ?? []
            let event = try FundEvent(action)
            try FundRows.write(event, transaction: action.transaction?.id, by: entry.principal, in: db)
            let step = event.action(accountsOpened: action.accountsOpened, transaction: action.transaction)
            return (.fundAction(step), balances)
        }
        return (entry.event, [])
    }

    static func recordsTransaction(_ event: LedgerEvent) -> Bool {
        switch event {
        case .transactionRecorded: true
        case .fundAction(let action): action.transaction != nil
        default: false
        }
    }

    /// A logged transaction, with its balances, as the writer of the original wrote it.
    static func insert(_ transaction: LedgerTransaction, in db: some SQLConnection) throws -> [BalanceSnapshot] {
        var accounts: [AccountID: LedgerRows.StoredAccount] = [:]
        for posting in transaction.postings where accounts[posting.accountID] == nil {
            guard let stored = try LedgerRows.account(db, reference: .id(posting.accountID)) else {
                throw Rejection.notFound(resource: "account", reference: posting.accountID.rawValue)
            }
            accounts[posting.accountID] = stored
        }
        let reversesSeq = try transaction.reversesID.map { id in
            guard let (seq, _) = try LedgerRows.transaction(db, id: id) else {
                throw Rejection.notFound(resource: "transaction", reference: id.rawValue)
            }
            return seq
        }
        return try TransactionWriter.insert(db, transaction: transaction, reversesSeq: reversesSeq, accounts: accounts)
    }

    /// A logged key: its row with a secret hash nobody holds the secret of (32 random
    /// bytes: no token hashes to them), its person and its commitment. The names it
    /// commits to are not in the log: the person's name says so, and the salt is zero.
    static func insert(_ key: APIKey, in db: some SQLConnection) throws {
        let exists = try db.fetchValue(Int.self, "SELECT 1 FROM people WHERE id = ?", [key.personID.rawValue]) != nil
        if !exists {
            let name = key.commitment == nil ? key.name ?? privateNameNotHeld : privateNameNotHeld
            try SQLiteLedgerStore.insert(Person(id: key.personID, name: name, createdAt: key.createdAt), in: db)
        }
        var generator = SystemRandomNumberGenerator()
        let secretHash = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try SQLiteLedgerStore.insert(key, name: key.name ?? key.id, secretHash: secretHash, in: db)
        try SQLiteLedgerStore.insertHolder(
            of: key.id, person: key.personID, salt: key.commitment.map { _ in notHeldSalt },
            commitment: key.commitment, in: db
        )
    }

    /// The salt of a key whose names were not held: all zeros (a real one is random).
    static let notHeldSalt = [UInt8](repeating: 0, count: 32)
}
