import Foundation
import LedgerApplication
import LedgerStorage
import Logging
import ServiceLifecycle

/// `backup_dir`: a verified backup of the SQLite ledger every `every`, the newest `keep`
/// kept. One is taken at start when the newest in the folder is older than `every` (so a
/// server restarted more often than that still backs up). Each result is logged and
/// recorded in `/metrics` (last success time, failures); a failure never stops the server.
struct ScheduledBackups: Service {
    let databasePath: String
    let directory: URL
    let every: Duration
    let keep: Int
    let verifierKey: String
    let metrics: LedgerMetrics
    let logger: Logger

    /// Backups are `ledger-<UTC time to the millisecond>.sqlite`: they sort by name in time order.
    static let prefix = "ledger-", suffix = ".sqlite"

    func run() async throws {
        if let newest = try? backups().last, let modified = Self.modified(newest),
           Date().timeIntervalSince(modified) < Double(every.components.seconds) {
            metrics.backupSucceeded(at: modified)
        } else {
            await backUp()
        }
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            if Task.isShuttingDownGracefully { break }
            await backUp()
        }
    }

    /// Takes one backup (on a thread of its own: it reads the whole database and verifies
    /// the copy), records the result and removes the backups past the newest `keep`.
    func backUp() async {
        let output = directory.appendingPathComponent(Self.name(at: Date())).path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let report = try await Self.offThePool { [databasePath, verifierKey] in
                try LedgerBackup.backup(database: databasePath, to: output, verifierKeys: [verifierKey])
            }
            metrics.backupSucceeded(at: Date())
            logger.info("backup written", metadata: [
                "file": "\(output)", "entries": "\(report.entries)", "root": "\(report.root)",
            ])
            try prune()
        } catch {
            metrics.backupFailed()
            logger.error("backup failed", metadata: ["file": "\(output)", "error": "\(error)"])
        }
    }

    /// The folder's backups, oldest first.
    func backups() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix(Self.prefix) && $0.lastPathComponent.hasSuffix(Self.suffix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Removes all but the newest `keep` backups.
    func prune() throws {
        for old in try backups().dropLast(keep) {
            try FileManager.default.removeItem(at: old)
            logger.info("old backup removed", metadata: ["file": "\(old.path)"])
        }
    }

    static func name(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return prefix + formatter.string(from: date) + suffix
    }

    static func modified(_ file: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
    }

    /// Runs blocking work on a dispatch thread, not on the concurrency pool's few threads.
    static func offThePool<Value: Sendable>(
        _ work: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
