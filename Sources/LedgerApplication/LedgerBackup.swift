public import AuditLog
import Foundation
import LedgerCore
public import LedgerStorage
public import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `commons-ledger backup` and `restore`: the embedded ledger beyond the loss of its disk.
///
/// A backup is a consistent copy taken while the server writes (`SQLiteBackup`), verified
/// before it is published under its name. A restore puts a verified backup back and, given
/// a member's mirror of the log, rebuilds every entry the mirror holds past the backup
/// (`LedgerRebuild` after the backup's entries, which must be the mirror's first ones), so
/// the ledger comes back with every entry anyone kept even when the backup is older.
public enum LedgerBackup {
    /// What a backup or a restore holds, verified.
    public struct Outcome: Sendable {
        public let report: LedgerVerifier.Report
        /// Entries rebuilt from the mirror past the backup (0 without a mirror).
        public let rebuiltFromMirror: Int64
    }

    /// Why a backup or a restore was refused.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Copies the ledger at `database` to `output` (created 0600; refused if it exists):
    /// written under a temporary name, verified with `verifierKeys`, then renamed.
    public static func backup(
        database: String, to output: String, verifierKeys: [String]
    ) throws -> LedgerVerifier.Report {
        guard !FileManager.default.fileExists(atPath: output) else {
            throw Refusal(description: "\(output) exists: a backup never overwrites a file")
        }
        let partial = output + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try SQLiteBackup.copy(database: database, to: partial)
            let report = try LedgerVerifier(path: partial, verifierKeys: verifierKeys).verify()
            try SQLiteBackup.settle(path: partial)
            try publish(partial, as: output)
            return report
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Restores `backup` to `database` (refused if it exists): the backup verified first;
    /// with a mirror, every entry it holds past the backup rebuilt and the result verified
    /// to the mirror's witnessed root. Written under a temporary name, renamed at the end.
    public static func restore(
        backup: String, to database: String, mirror: (directory: TileDirectory, policy: WitnessPolicy)?,
        verifierKeys: [String], logger: Logger
    ) async throws -> Outcome {
        guard !FileManager.default.fileExists(atPath: database) else {
            throw Refusal(description: "\(database) exists: restore into a new file, then move it into place")
        }
        let kept = try LedgerVerifier(path: backup, verifierKeys: verifierKeys).verify()
        let partial = database + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try SQLiteBackup.copy(database: backup, to: partial)
            var rebuilt: Int64 = 0
            var witnessed: String?
            if let mirror {
                (rebuilt, witnessed) = try MirrorRebuild.extend(
                    sqlitePath: partial, holding: kept.entries, from: mirror.directory, policy: mirror.policy,
                    logger: logger
                )
            }
            // With a mirror, the result must also hold its witnessed checkpoint: the same
            // root at its size, whether the mirror was ahead of the backup or behind it.
            let report = try LedgerVerifier(path: partial, verifierKeys: verifierKeys).verify(since: witnessed)
            try SQLiteBackup.settle(path: partial)
            try publish(partial, as: database)
            return Outcome(report: report, rebuiltFromMirror: rebuilt)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Renames a finished, flushed file into place and flushes its folder.
    static func publish(_ partial: String, as final: String) throws {
        guard rename(partial, final) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        try TileDirectory.syncFolder(URL(fileURLWithPath: final).deletingLastPathComponent())
    }
}
