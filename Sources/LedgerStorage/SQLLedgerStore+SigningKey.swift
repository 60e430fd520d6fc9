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
    /// The log's key hand-overs, in order (`rotateLogKey`), each note checked: both
    /// keys signed it. A row whose note does not verify makes the key check fail.
    let handovers: [LogKeyHandover]

    init(_ db: some SQLConnection) throws {
        // Entries are numbered from 0 without gaps: the last index + 1, one seek on the
        // primary key (count(*) would scan a million-entry log at start).
        entries = try db.fetchValue(Int64.self, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries") ?? 0
        latest = try db.fetchOne(
            "SELECT tree_size, note, created_at FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1", []
        ).map { try StoredCheckpoint(row: $0) }
        handovers = try SQLiteLedgerStore.rotationRows(db).map { row in
            do {
                return try LogKeyHandover(note: row.rotation.handover)
            } catch {
                throw StorageError.corruptRow(table: "log_key_rotations", detail: "\(error)")
            }
        }
    }

    /// Refuses a new key for a log that already has entries, and a key that does not
    /// verify the latest stored checkpoint.
    func check(_ signer: LogSigner, keyPath: String, isNew: Bool) throws {
        guard entries > 0 || latest != nil else { return }
        guard !isNew else { throw LogKeyError.missing(keyPath, entries: entries) }
        let key = signer.signer.verifier
        // The key must be the log's: one of its chain of hand-overs (or, with none, the
        // one that signed it), and the chain's last, the only one that may sign now.
        guard let chain = try? LogKeyChain(trusted: [key], handovers: handovers) else {
            throw LogKeyError.doesNotVerify(keyPath, treeSize: latest?.treeSize ?? entries)
        }
        if let current = chain.currentKey, current != key {
            throw LogKeyError.retired(keyPath, current: current.verifierKey)
        }
        guard let latest else { return }
        // The latest checkpoint is signed by the key in force at its size: after a rebuild
        // from a mirror it can be the transition one, signed by the retired key alone.
        do {
            let keys = chain.verifiers(forTreeSize: latest.treeSize)
            _ = try LogAuditor.open(checkpointNote: latest.note, verifiers: keys)
        } catch {
            throw LogKeyError.doesNotVerify(keyPath, treeSize: latest.treeSize)
        }
    }
}
