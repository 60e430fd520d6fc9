public import AuditLog
import Foundation
import GRDB
public import LedgerCore
import LedgerEngine
import LedgerSQL

/// Reads of the audit log: entries, checkpoints and proofs, all from one snapshot so a
/// proof and the tree size it is for always agree.
extension SQLLedgerStore {
    public var logVerifierKey: String { signer.verifierKey }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await engine.read { db in
            try db.fetchOne("""
                SELECT tree_size, note, created_at FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1
                """, [])
                .map(StoredCheckpoint.init(row:))
        }
    }

    public func checkpoint(treeSize: Int64) async throws -> StoredCheckpoint? {
        try await engine.read { db in
            try db.fetchOne("SELECT tree_size, note, created_at FROM log_checkpoints WHERE tree_size = ?", [treeSize])
                .map(StoredCheckpoint.init(row:))
        }
    }

    public func checkpoints(page: PageRequest) async throws -> Page<StoredCheckpoint> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 2, cursor.fields[0] == "checkpoint", let size = Int64(cursor.fields[1]) else {
                throw InvalidCursor()
            }
            return size
        } ?? Int64(-1)
        return try await engine.read { db in
            let rows = try db.fetchAll("""
                    SELECT tree_size, note, created_at FROM log_checkpoints
                    WHERE tree_size > ? ORDER BY tree_size LIMIT ?
                    """, [after, page.limit + 1])
            let items = try rows.prefix(page.limit).map(StoredCheckpoint.init(row:))
            let next = rows.count > page.limit
                ? items.last.map { PageCursor(fields: ["checkpoint", String($0.treeSize)]) } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    public func logEntries(start: Int64, end: Int64?, limit: Int) async throws -> LogEntryPage {
        try await engine.read { db in
            let size = try SQLMerkleNodes(db: db).currentTreeSize()
            guard start >= 0 else { throw LogRangeError.invalid("start must not be negative") }
            if let end, end < start { throw LogRangeError.invalid("end must not be below start") }
            guard start < size || (start == 0 && size == 0) else {
                throw LogRangeError.beyondTree("the log has \(size) entries; start \(start) is past its end")
            }
            let stop = min(end ?? size, size, start + Int64(limit))
            let rows = try db.fetchAll(
                "SELECT idx, data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", [start, stop]
            )
            let entries = try rows.map { row in
                StoredLogEntry(
                    index: try LedgerRows.integer(row, "idx"),
                    data: [UInt8](try row.value([UInt8].self, named: "data"))
                )
            }
            let requestedEnd = min(end ?? size, size)
            return LogEntryPage(entries: entries, treeSize: size, nextStart: stop < requestedEnd ? stop : nil)
        }
    }

    public func recordCosignature(treeSize: Int64, witness: String, line: String) async throws {
        let at = clock.now().description
        _ = try await engine.writeRunner.inWriteTransaction { statements in
            try statements.db.execute("""
                INSERT INTO log_cosignatures (tree_size, witness, line, recorded_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tree_size, witness) DO NOTHING
                """, [treeSize, witness, line, at])
        }
    }

    public func cosignedCheckpoints(limit: Int) async throws -> [CosignedCheckpoint] {
        try await engine.read { db in
            let sizes = try db.fetchValues(
                Int64.self, "SELECT DISTINCT tree_size FROM log_cosignatures ORDER BY tree_size DESC LIMIT ?",
                [Int64(limit)]
            )
            return try sizes.compactMap { size in
                guard let checkpoint = try db.fetchOne(
                    "SELECT tree_size, note, created_at FROM log_checkpoints WHERE tree_size = ?", [size]
                ).map(StoredCheckpoint.init(row:)) else { return nil }
                let lines = try db.fetchValues(
                    String.self, "SELECT line FROM log_cosignatures WHERE tree_size = ? ORDER BY witness", [size]
                )
                return CosignedCheckpoint(checkpoint: checkpoint, lines: lines)
            }
        }
    }

    public func tile(_ tile: LogTile) async throws -> [UInt8]? {
        try await engine.read { db in
            guard let needed = tile.treeSizeNeeded, needed <= (try SQLMerkleNodes(db: db).currentTreeSize()) else {
                return nil
            }
            let range: SQLArguments = [tile.firstNode, tile.firstNode + Int64(tile.width)]
            let values: [[UInt8]]
            switch tile.kind {
            case .entries:
                values = try db.fetchValues(
                    [UInt8].self, "SELECT data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", range
                )
            case .hashes(level: 0):
                values = try db.fetchValues(
                    [UInt8].self, "SELECT leaf_hash FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", range
                )
            case .hashes:
                values = try db.fetchValues(
                    [UInt8].self, "SELECT hash FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
                    [Int64(tile.merkleLevel)] + range
                )
            }
            guard values.count == tile.width else {
                throw MerkleTreeError.missingNode(level: tile.merkleLevel, index: tile.firstNode + Int64(values.count))
            }
            if case .entries = tile.kind { return try EntryBundle.encode(values) }
            return values.flatMap { $0 }
        }
    }

    public func inclusionProof(index: Int64, treeSize: Int64) async throws -> [Hash] {
        try await engine.read { db in
            let nodes = SQLMerkleNodes(db: db)
            try Self.checkSize(treeSize, against: try nodes.currentTreeSize())
            guard index >= 0, index < treeSize else {
                throw LogRangeError.invalid("index must be at least 0 and below tree_size")
            }
            return try MerkleProofs.inclusionProof(index: index, treeSize: treeSize, source: nodes)
        }
    }

    public func consistencyProof(first: Int64, second: Int64) async throws -> [Hash] {
        try await engine.read { db in
            let nodes = SQLMerkleNodes(db: db)
            try Self.checkSize(second, against: try nodes.currentTreeSize())
            guard first >= 0, first <= second else { throw LogRangeError.invalid("first must be between 0 and second") }
            return try MerkleProofs.consistencyProof(first: first, second: second, source: nodes)
        }
    }

    public func transactionProof(_ id: TransactionID) async throws -> TransactionProof? {
        try await engine.read { db in
            guard let index = try db.fetchValue(
                Int64.self, "SELECT idx FROM log_subjects WHERE subject = ?", [id.rawValue]
            ) else { return nil }
            guard let checkpoint = try db.fetchOne("""
                    SELECT tree_size, note, created_at FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1
                    """, []).map({ try StoredCheckpoint(row: $0) }) else {
                throw StorageError.corruptRow(table: "log_checkpoints", detail: "no checkpoint covers a logged entry")
            }
            guard let data = try db.fetchValue(
                [UInt8].self, "SELECT data FROM log_entries WHERE idx = ?", [index]
            ) else {
                throw StorageError.corruptRow(table: "log_entries", detail: "subject points at a missing entry")
            }
            let nodes = SQLMerkleNodes(db: db)
            let hashes = try MerkleProofs.inclusionProof(index: index, treeSize: checkpoint.treeSize, source: nodes)
            return TransactionProof(
                entry: StoredLogEntry(index: index, data: [UInt8](data)), treeSize: checkpoint.treeSize, hashes: hashes,
                checkpoint: checkpoint
            )
        }
    }

    static func checkSize(_ size: Int64, against current: Int64) throws {
        guard size >= 0 else { throw LogRangeError.invalid("tree sizes are not negative") }
        guard size <= current else { throw LogRangeError.beyondTree("the log has \(current) entries, not \(size)") }
    }
}

/// A signed checkpoint as stored: the complete signed note.
/// A checkpoint with the cosignature lines witnesses returned for it.
public struct CosignedCheckpoint: Sendable, Equatable {
    public let checkpoint: StoredCheckpoint
    public let lines: [String]
}

public struct StoredCheckpoint: Sendable, Equatable {
    public let treeSize: Int64
    /// The C2SP signed note: checkpoint text, a blank line, signature lines.
    public let note: String
    public let createdAt: String

    init(row: some SQLRow) throws {
        treeSize = try LedgerRows.integer(row, "tree_size")
        note = try LedgerRows.text(row, "note")
        createdAt = try LedgerRows.text(row, "created_at")
    }
}

/// One log entry's exact bytes.
public struct StoredLogEntry: Sendable, Equatable {
    public let index: Int64
    public let data: [UInt8]

    /// An entry's bytes as read from anywhere (a server's `/v1/log/entries`, a file).
    public init(index: Int64, data: [UInt8]) {
        self.index = index
        self.data = data
    }
}

/// A page of log entries and where the next page starts.
public struct LogEntryPage: Sendable {
    public let entries: [StoredLogEntry]
    public let treeSize: Int64
    public let nextStart: Int64?
}

/// A transaction's entry, its inclusion proof and the checkpoint it is proved against.
public struct TransactionProof: Sendable {
    public let entry: StoredLogEntry
    public let treeSize: Int64
    public let hashes: [Hash]
    public let checkpoint: StoredCheckpoint
}

/// A log range or tree size a request asked for that the log cannot answer.
public enum LogRangeError: Error, Equatable, Sendable {
    /// The arguments contradict each other (400).
    case invalid(String)
    /// The arguments reach past the current log (404).
    case beyondTree(String)
}
