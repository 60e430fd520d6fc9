public import AuditLog
import Foundation
import LedgerCore
public import LedgerStorage
public import Logging
import PostgresStorage

/// `commons-ledger rebuild --from-mirror`: a ledger database rebuilt from a mirror's copy
/// of the log alone, when the operator's database is lost — or by a member who wants the
/// whole book, not only its log.
///
/// The mirror's checkpoint must be signed by the policy's log and cosigned by its quorum
/// (a mirror folder is just files: whoever could write to it is not trusted). Every entry
/// is rebuilt into rows and appended again (`LedgerRebuild`), in one transaction on a new,
/// empty database; then `verify` runs on the result with the policy's log key and must give
/// the checkpoint's root. An interrupted or refused rebuild leaves the database empty.
public enum MirrorRebuild {
    /// What was rebuilt and what the result verified to.
    public struct Outcome: Sendable {
        public let summary: LedgerRebuild.Summary
        public let report: LedgerVerifier.Report
        /// The witnesses whose cosignatures the checkpoint carries.
        public let witnesses: Set<String>
    }

    /// Rebuilds the log held in `mirror` into `destination` (migrated first).
    public static func rebuild(
        from mirror: TileDirectory, policy: WitnessPolicy, into destination: DatabaseLocation, logger: Logger,
        progress: @escaping @Sendable (Int64, Int64) -> Void = { _, _ in }
    ) async throws -> Outcome {
        let (target, witnesses) = try Self.target(in: mirror, policy: policy)
        let reader = BundleReader(directory: mirror, treeSize: target.checkpoint.treeSize)
        let now = SystemClock().now()
        let summary: LedgerRebuild.Summary
        switch destination {
        case .sqlite(let path):
            let writer = try LedgerMove.openSQLiteDestination(path, logger: logger)
            defer { try? writer.close() }
            summary = try writer.writeSynchronously { db in
                try LedgerRebuild.rebuild(into: db, target: target, at: now, entry: reader.entry, progress: progress)
            }
        case .postgres(let url):
            let writer = try await PostgresLedgerStore.open(
                database: LedgerPostgresDatabase(url: url, logger: logger), clock: SystemClock(),
                identifiers: SystemIdentifierSource(), signer: try LogSigner.generate(origin: "rebuild"), logger: logger
            ).store
            do {
                summary = try await writer.withWriteTransaction { db in
                    try LedgerRebuild.rebuild(
                        into: db, target: target, at: now, entry: reader.entry, progress: progress)
                }
                await writer.close()
            } catch {
                await writer.close()
                throw error
            }
        }
        let keys = policy.logs.map(\.verifier.verifierKey)
        let report = try await LedgerMove.verify(destination, verifierKeys: keys, logger: logger)
        guard report.root == target.checkpoint.rootHash.base64EncodedString, report.entries == summary.entries else {
            throw MirrorError.corrupt("the rebuilt database verifies to another root: \(report.root)")
        }
        return Outcome(summary: summary, report: report, witnesses: witnesses)
    }

    /// Rebuilds into the SQLite file at `sqlitePath`, which holds the `kept` entries of a
    /// restored backup, every entry the mirror holds past them (the backup's entries must
    /// be the mirror's first ones). Returns how many were rebuilt (0 when the mirror is not
    /// ahead) and the mirror's checkpoint as the log signed it, for `verify(since:)`.
    static func extend(
        sqlitePath: String, holding kept: Int64, from mirror: TileDirectory, policy: WitnessPolicy, logger: Logger
    ) throws -> (rebuilt: Int64, checkpoint: String) {
        let (target, _) = try Self.target(in: mirror, policy: policy)
        let size = target.checkpoint.treeSize
        guard size > kept else { return (0, target.logNote) }
        let reader = BundleReader(directory: mirror, treeSize: size)
        let writer = try LedgerMove.openSQLiteDestination(sqlitePath, logger: logger)
        defer { try? writer.close() }
        let now = SystemClock().now()
        _ = try writer.writeSynchronously { db in
            try LedgerRebuild.rebuild(into: db, target: target, after: kept, at: now, entry: reader.entry)
        }
        return (size - kept, target.logNote)
    }

    /// The mirror's checkpoint, witnessed as the policy requires, split into the log's own
    /// note and the witnesses' cosignature lines (the ledger stores them apart).
    static func target(
        in mirror: TileDirectory, policy: WitnessPolicy
    ) throws -> (LedgerRebuild.Target, Set<String>) {
        guard let bytes = try mirror.read("checkpoint") else { throw MirrorError.noCheckpoint }
        guard let note = try? SignedNote(parsing: bytes), let witnesses = policy.verify(note),
              let checkpoint = try? Checkpoint(parsing: note.text), checkpoint.treeSize > 0
        else { throw MirrorError.notWitnessed }
        let logSignatures = note.signatures.filter { signature in
            policy.logs.contains { $0.verifier.name == signature.name && $0.verifier.keyID == signature.keyID }
        }
        var cosignatures: [(witness: String, line: String)] = []
        for witness in policy.witnesses {
            if let line = note.signatures.first(where: { witness.verifier.timestamp(of: $0, text: note.text) != nil }) {
                cosignatures.append((witness.verifier.verifierKey, line.line))
            }
        }
        let logNote = try SignedNote(text: note.text, signatures: logSignatures).message
        return (LedgerRebuild.Target(checkpoint: checkpoint, logNote: logNote, cosignatures: cosignatures), witnesses)
    }

    /// The entries of a mirror folder in order, one bundle read at a time. Used by one
    /// rebuild on one thread at a time (inside its write transaction), hence unchecked.
    final class BundleReader: @unchecked Sendable {
        let directory: TileDirectory
        let treeSize: Int64
        private var bundleIndex: Int64 = -1
        private var bundle: [[UInt8]] = []

        init(directory: TileDirectory, treeSize: Int64) {
            self.directory = directory
            self.treeSize = treeSize
        }

        func entry(_ index: Int64) throws -> [UInt8] {
            let full = Int64(LogTile.fullWidth)
            if index / full != bundleIndex {
                bundleIndex = index / full
                let width = Int(min(full, treeSize - bundleIndex * full))
                guard let tile = LogTile(kind: .entries, index: bundleIndex, width: width) else {
                    throw MirrorError.corrupt("no bundle \(bundleIndex) in a tree of \(treeSize)")
                }
                guard let bytes = try directory.read(tile.path) else { throw MirrorError.missing(tile.path) }
                guard let entries = try? EntryBundle.decode(bytes), entries.count == width else {
                    throw MirrorError.corrupt("\(tile.path) is not a bundle of \(width) entries")
                }
                bundle = entries
            }
            return bundle[Int(index % full)]
        }
    }
}
