import AuditLog
import Foundation
import LedgerSQL
import LedgerCore
import LedgerEngine

/// The audit log's append as the SQLite files call it: the engine's `LogAppender` over
/// this transaction's statements (`SQLiteStatements`).
///
/// Why a shim: the fund files and the ledger writes call `AuditLogWriter.append(db, ...)`
/// with a GRDB `Database`; the rules (entry, hashes, frontier, checkpoint) are the
/// engine's, so a second backend reuses them.
struct AuditLogWriter {
    private var appender: LogAppender

    /// Picks up the log where the database has it (see `LogAppender.init`).
    init(_ db: some SQLConnection) throws {
        appender = try LogAppender(SQLStatements(db: db))
    }

    /// The number of entries, including those appended by this writer.
    var treeSize: Int64 { appender.treeSize }

    /// The RFC 6962 root of the tree as it now stands.
    var rootHash: Hash { appender.rootHash }

    /// Appends `event` (with the balances it left behind) as the next entry, with the
    /// Merkle nodes it completes. Returns the entry's index.
    @discardableResult
    mutating func append(
        _ db: some SQLConnection, event: LedgerEvent, balances: [BalanceSnapshot], by principal: Principal,
        at time: Timestamp
    ) throws -> Int64 {
        try appender.append(SQLStatements(db: db), event: event, balances: balances, by: principal, at: time)
    }

    /// Signs and stores a checkpoint over the tree as it now stands (once per commit).
    func signCheckpoint(_ db: some SQLConnection, at time: Timestamp, signer: LogSigner) throws {
        try appender.signCheckpoint(SQLStatements(db: db), at: time, signer: signer.signer)
    }

    /// Appends one event: the log side of a single write. The checkpoint is signed once
    /// per commit by the writer that commits (`GroupCommitter`), over every entry of it.
    static func append(
        _ db: some SQLConnection, event: LedgerEvent, balances: [BalanceSnapshot], by principal: Principal,
        at time: Timestamp
    ) throws {
        var writer = try AuditLogWriter(db)
        try writer.append(db, event: event, balances: balances, by: principal, at: time)
    }
}
