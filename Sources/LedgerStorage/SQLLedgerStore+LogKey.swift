public import AuditLog
public import LedgerCore
import LedgerEngine
import LedgerSQL

/// Handing the log's signing key over to a new one (`commons-ledger log-key rotate`).
///
/// One transaction appends the hand-over's entry (the hand-over note both keys
/// signed, bound to the entry's index), its `log_key_rotations` row, and the checkpoint
/// that first covers it, signed by both keys: a reader who trusts the old key verifies
/// it, and follows the note to the new key. From then on the row names the only key that
/// may sign (`LogAppender.signCheckpoint` refuses any other at commit; `SigningState`
/// refuses it at start), so the store that ran the rotation must be closed and the
/// server restarted with the new key file.
extension SQLLedgerStore {
    /// Records the hand-over from this store's key to `successor` and returns it.
    /// Refuses an empty log (a log with no entry has nothing to hand over: start it with
    /// the new key), a successor of another name (the origin is the log's identity) and a
    /// key the log used before.
    public func rotateLogKey(to successor: LogSigner, by principal: Principal) async throws -> LogKeyHandover {
        let old = signer
        guard successor.origin == old.origin else {
            throw LogKeyRotationError.originChanged(old: old.origin, new: successor.origin)
        }
        let clock = self.clock
        return try await engine.writeRunner.inWriteTransaction { statements in
            let now = clock.now()
            let db = statements.db
            var appender = try LogAppender(statements)
            guard appender.treeSize > 0 else { throw LogKeyRotationError.emptyLog }
            let used = try db.fetchValues(String.self, "SELECT old_key FROM log_key_rotations", [])
            guard !used.contains(successor.verifierKey) else { throw LogKeyRotationError.keyUsedBefore }
            let index = appender.treeSize
            let handover = try LogKeyHandover.sign(from: old.signer, to: successor.signer, index: index)
            let rotation = LogKeyRotation(
                oldKey: old.verifierKey, newKey: successor.verifierKey, handover: handover.note, rotatedAt: now
            )
            try appender.append(statements, event: .logKeyRotated(rotation), balances: [], by: principal, at: now)
            try Self.insert(rotation, index: index, in: db)
            try appender.signCheckpoint(statements, at: now, signers: [old.signer, successor.signer])
            return handover
        }
    }

    /// Writes a hand-over's row (the rotation and a rebuild from the log share it).
    static func insert(_ rotation: LogKeyRotation, index: Int64, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO log_key_rotations (entry_index, old_key, new_key, handover, rotated_at)
            VALUES (?, ?, ?, ?, ?)
            """,
            [index, rotation.oldKey, rotation.newKey, rotation.handover, rotation.rotatedAt.description]
        )
    }

    /// The stored hand-overs in log order, with the index of the entry of each.
    static func rotationRows(_ db: some SQLConnection) throws -> [(index: Int64, rotation: LogKeyRotation)] {
        try db.fetchAll(
            "SELECT entry_index, old_key, new_key, handover, rotated_at FROM log_key_rotations ORDER BY entry_index",
            []
        ).map { row in
            let rotatedAt = try LedgerRows.parse(row, "rotated_at", table: "log_key_rotations", Timestamp.init)
            return (
                try LedgerRows.integer(row, "entry_index"),
                LogKeyRotation(
                    oldKey: try LedgerRows.text(row, "old_key"), newKey: try LedgerRows.text(row, "new_key"),
                    handover: try LedgerRows.text(row, "handover"), rotatedAt: rotatedAt
                )
            )
        }
    }
}

/// Why a key rotation is refused; nothing was written.
public enum LogKeyRotationError: Error, Equatable, CustomStringConvertible {
    case emptyLog
    case originChanged(old: String, new: String)
    case keyUsedBefore
    /// The file the new key was to be written to exists (a key is never overwritten).
    case newKeyFileExists(String)

    public var description: String {
        switch self {
        case .emptyLog: "the log has no entry yet: start it with the key you want instead of rotating"
        case .originChanged(let old, let new):
            "the new key is named \(new), the log is \(old): a hand-over keeps the log's name"
        case .keyUsedBefore: "the new key signed this log before and was retired: use a fresh key"
        case .newKeyFileExists(let path):
            "\(path) exists: a key is never overwritten (a rotation that stopped half-way left it: "
                + "if the log names it as its key, move it into place; otherwise remove it and rotate again)"
        }
    }
}
