import AuditLog
import Foundation
import GRDB
public import LedgerCore
import LedgerSQL
public import Logging

/// Opening a database together with the key that signs its log, for every command that
/// writes (`serve`, `migrate`, `keys`, `demo`).
///
/// A database whose log has entries is served only with the key that signed it: a key
/// file that is missing is never silently regenerated, and a key that does not verify the
/// latest stored checkpoint is refused. Otherwise a lost or swapped key would start a new
/// signing identity that auditors' tools trust (`verify --url` without `--key` takes the
/// server's key), and a dishonest operator could rewrite history under it. Only a log
/// with no entry yet gets a new key. Keys are never rotated silently: a rotation is a
/// logged hand-over (`rotateLogKey`), after which only the new key is served and the
/// retired one is refused by name.
extension SQLLedgerStore where Engine == SQLiteEngine {
    /// The store, migrated, with the key at `keyPath`; `createdKey` is the key made for a
    /// log that had no entry (written to `keyPath` with mode 0600), `nil` when loaded.
    /// Throws `LogKeyError.missing` or `.doesNotVerify` (the store is closed first).
    public static func openSigned(
        path: String, keyPath: String, origin: String, clock: any LedgerClock, identifiers: any IdentifierSource,
        logger: Logger, durability: Durability = .synced
    ) throws -> (store: SQLiteLedgerStore, createdKey: LogSigner?, applied: [String]) {
        let keyExists = FileManager.default.fileExists(atPath: keyPath)
        let signer = keyExists ? try LogSigner.loadPrivate(path: keyPath) : try LogSigner.generate(origin: origin)
        let store = try SQLiteLedgerStore(
            path: path, clock: clock, identifiers: identifiers, signer: signer, logger: logger, durability: durability
        )
        do {
            let applied = try store.migrate()
            let state = try store.pool.read { db in try SigningState(db) }
            try state.check(signer, keyPath: keyPath, isNew: !keyExists)
            if !keyExists { try signer.write(path: keyPath) }
            return (store, keyExists ? nil : signer, applied)
        } catch {
            try? store.close()
            throw error
        }
    }
}

extension SQLLedgerStore {
    /// Refuses a key that does not verify the latest stored checkpoint (`LogKeyError`).
    /// For a backend several servers share, the key file is never created here: one key,
    /// made once (`commons-ledger keygen`), is given to every server, or two servers
    /// starting on an empty log would each sign with a key of their own.
    public func checkSigningKey(_ signer: LogSigner, keyPath: String) async throws {
        let state = try await engine.read { db in try SigningState(db) }
        try state.check(signer, keyPath: keyPath, isNew: false)
    }
}

/// What the log holds that decides whether a signing key may serve it: its entry count
/// and its latest signed checkpoint.
struct SigningState: Sendable {
    let entries: Int64
    let latest: StoredCheckpoint?
    /// The verifier keys of the log's hand-overs, in order: retired keys, then the
    /// current one last (empty when the log never changed key).
    let handedOver: (retired: [String], current: String?)

    init(_ db: some SQLConnection) throws {
        // Entries are numbered from 0 without gaps: the last index + 1, one seek on the
        // primary key (count(*) would scan a million-entry log at start).
        entries = try db.fetchValue(Int64.self, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries") ?? 0
        latest = try db.fetchOne(
            "SELECT tree_size, note, created_at FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1", []
        ).map { try StoredCheckpoint(row: $0) }
        let rotations = try db.fetchAll("SELECT old_key, new_key FROM log_key_rotations ORDER BY entry_index", [])
        handedOver = (
            try rotations.map { try LedgerRows.text($0, "old_key") },
            try rotations.last.map { try LedgerRows.text($0, "new_key") }
        )
    }

    /// Refuses a new key for a log that already has entries, and a key that does not
    /// verify the latest stored checkpoint.
    func check(_ signer: LogSigner, keyPath: String, isNew: Bool) throws {
        guard entries > 0 || latest != nil else { return }
        guard !isNew else { throw LogKeyError.missing(keyPath, entries: entries) }
        if let current = handedOver.current, signer.verifierKey != current {
            guard handedOver.retired.contains(signer.verifierKey) else {
                throw LogKeyError.doesNotVerify(keyPath, treeSize: latest?.treeSize ?? entries)
            }
            throw LogKeyError.retired(keyPath, current: current)
        }
        guard let latest else { return }
        do {
            _ = try LogAuditor.open(checkpointNote: latest.note, verifiers: [signer.signer.verifier])
        } catch {
            throw LogKeyError.doesNotVerify(keyPath, treeSize: latest.treeSize)
        }
    }
}
