import Foundation
import GRDB

/// A consistent copy of a live SQLite ledger, for `commons-ledger backup`.
///
/// `VACUUM INTO` reads the database in one read transaction — one snapshot, whatever the
/// server commits meanwhile (in WAL mode a reader neither blocks the writer nor sees half a
/// commit) — and writes a compact copy. Never a plain file copy: the main file of a live
/// WAL database is not the database. The copy holds private data and keys' hashes, so its
/// file is created owner-only before SQLite writes a page, then flushed to disk.
public enum SQLiteBackup {
    /// Copies the database at `path` into `output`, which must not exist yet.
    public static func copy(database path: String, to output: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StorageError.missingDatabase(path) }
        guard !FileManager.default.fileExists(atPath: output) else {
            throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: output])
        }
        try DatabaseFiles.secure(path: output)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        // VACUUM runs outside any transaction: `inDatabase` opens none.
        try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [output]) }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        try handle.synchronize()
    }

    /// A write-ahead log that a checkpoint could not fold in (another process has the file open).
    public struct Unsettled: Error, CustomStringConvertible {
        public let description: String
    }

    /// Folds the write-ahead log of the closed database at `path` into its main file and
    /// removes it, so that the main file alone is the database (before it is renamed: a
    /// WAL left under the old name would be lost with every commit it holds).
    public static func settle(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.inDatabase { db in _ = try db.checkpoint(.truncate) }
        try queue.close()
        for suffix in DatabaseFiles.companionSuffixes {
            let companion = path + suffix
            guard let size = (try? FileManager.default.attributesOfItem(atPath: companion))?[.size] as? Int else {
                continue
            }
            guard size == 0 || suffix == "-shm" else {
                throw Unsettled(description: "\(companion) still holds \(size) bytes after a checkpoint")
            }
            try FileManager.default.removeItem(atPath: companion)
        }
    }
}
