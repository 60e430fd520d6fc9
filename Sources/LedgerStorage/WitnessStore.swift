public import AuditLog
import Foundation
import GRDB

/// A witness's memory (`commons-ledger witness serve`): for each log it follows, the
/// latest checkpoint it cosigned, in a SQLite file of its own.
///
/// The guarantees: a request's check and the update it allows run in one write
/// transaction, one request at a time (C2SP tlog-witness: otherwise a slower request for
/// a smaller tree could roll the state back), and the transaction is synced before the
/// cosignature is returned; the schema refuses by itself a smaller tree or another root
/// for the same size, so no bug above it can make the witness go back on its word.
public final class WitnessStore: Sendable {
    private let queue: DatabaseQueue

    /// Opens (creating, owner-only) the witness's file and applies its schema.
    public init(path: String) throws {
        try DatabaseFiles.secure(path: path)
        var configuration = Configuration()
        configuration.label = "commons-ledger-witness"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: Self.schema)
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS witness_logs (
            origin      TEXT    NOT NULL PRIMARY KEY,
            tree_size   INTEGER NOT NULL CHECK (tree_size >= 0),
            root_hash   BLOB    NOT NULL CHECK (length(root_hash) = 32),
            checkpoint  TEXT    NOT NULL,
            cosigned_at INTEGER NOT NULL
        ) STRICT;
        CREATE TRIGGER IF NOT EXISTS witness_logs_never_go_back BEFORE UPDATE ON witness_logs
        WHEN NEW.origin != OLD.origin OR NEW.tree_size < OLD.tree_size
            OR (NEW.tree_size = OLD.tree_size AND NEW.root_hash != OLD.root_hash)
        BEGIN SELECT RAISE(ABORT, 'a witness never cosigns a smaller tree or another root for a size'); END;
        CREATE TRIGGER IF NOT EXISTS witness_logs_are_never_forgotten BEFORE DELETE ON witness_logs
        BEGIN SELECT RAISE(ABORT, 'a witness never forgets a log'); END;
        """

    /// Decides a request against the stored state of `origin` and, when the answer is a
    /// cosignature, stores the new state — all in one synced transaction, before the
    /// answer is returned.
    public func addCheckpoint(
        origin: String, decide: @escaping @Sendable (Witness.LogState?) -> Witness.Answer, at time: Int64
    ) async throws -> Witness.Answer {
        try await queue.write { db in
            let answer = decide(try Self.state(db, origin: origin))
            if case .cosigned(_, let state) = answer {
                try db.execute(sql: """
                    INSERT INTO witness_logs (origin, tree_size, root_hash, checkpoint, cosigned_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (origin) DO UPDATE SET tree_size = excluded.tree_size,
                        root_hash = excluded.root_hash, checkpoint = excluded.checkpoint,
                        cosigned_at = excluded.cosigned_at
                    """, arguments: [origin, state.treeSize, Data(state.rootHash.bytes), state.note, time])
            }
            return answer
        }
    }

    /// The latest checkpoint cosigned for `origin` (with the cosignature), if any.
    public func latest(origin: String) async throws -> Witness.LogState? {
        try await queue.read { db in try Self.state(db, origin: origin) }
    }

    static func state(_ db: Database, origin: String) throws -> Witness.LogState? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT tree_size, root_hash, checkpoint FROM witness_logs WHERE origin = ?", arguments: [origin]
        ) else { return nil }
        let root: Data = row["root_hash"]
        let hash = try Hash(bytes: Array(root))
        return Witness.LogState(treeSize: row["tree_size"], rootHash: hash, note: row["checkpoint"])
    }
}
