import Foundation
import LedgerCore
public import LedgerStorage
public import Logging
import PostgresStorage

/// `commons-ledger copy`: a whole ledger from one database to a new, empty one — SQLite to
/// PostgreSQL when a fund outgrows one machine, PostgreSQL to SQLite for an auditor's
/// offline copy, or a file to another file — then proof that it arrived whole: `verify`
/// on both sides, and the same entries and the same root.
///
/// Atomic and repeatable: the destination is written in one transaction, read from one
/// snapshot of the source, so an interrupted copy leaves the destination empty and can
/// be run again. A destination that already holds rows is refused (ledgers never merge).
/// The source is only read; its servers may keep running, the copy is of the snapshot.
/// PostgreSQL to PostgreSQL is refused: `pg_dump`/`pg_basebackup` do that better.
public enum LedgerMove {
    /// What was copied and what both sides verified to.
    public struct Outcome: Sendable {
        public let summary: LedgerCopy.Summary
        public let source: LedgerVerifier.Report
        public let destination: LedgerVerifier.Report
    }

    /// Why the copy was refused or did not verify.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Copies `source` into `destination` (migrated first), then verifies both with
    /// `verifierKeys` and compares them.
    public static func copy(
        from source: DatabaseLocation, to destination: DatabaseLocation, verifierKeys: [String], logger: Logger,
        progress: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> Outcome {
        guard source != destination else { throw Refusal(description: "the source and the destination are the same") }
        let summary = try await copyRows(from: source, to: destination, logger: logger, progress: progress)
        let sourceReport = try await verify(source, verifierKeys: verifierKeys, logger: logger)
        let destinationReport = try await verify(destination, verifierKeys: verifierKeys, logger: logger)
        guard sourceReport.entries == destinationReport.entries, sourceReport.root == destinationReport.root,
              sourceReport.transactions == destinationReport.transactions
        else {
            throw Refusal(
                description: "the copy does not match its source: \(destinationReport.entries) entries with root "
                    + "\(destinationReport.root), the source has \(sourceReport.entries) with \(sourceReport.root)"
            )
        }
        return Outcome(summary: summary, source: sourceReport, destination: destinationReport)
    }

    static func copyRows(
        from source: DatabaseLocation, to destination: DatabaseLocation, logger: Logger,
        progress: @escaping @Sendable (String, Int) -> Void
    ) async throws -> LedgerCopy.Summary {
        switch (source, destination) {
        case (.sqlite(let from), .sqlite(let to)):
            let reader = try SQLiteLedgerStore.openReadOnly(path: from, logger: logger)
            defer { try? reader.close() }
            let writer = try openSQLiteDestination(to, logger: logger)
            defer { try? writer.close() }
            return try writer.writeSynchronously { written in
                try reader.readSynchronously { read in
                    try LedgerCopy.copy(from: read, to: written, progress: progress)
                }
            }
        case (.sqlite(let from), .postgres(let to)):
            let reader = try SQLiteLedgerStore.openReadOnly(path: from, logger: logger)
            defer { try? reader.close() }
            let writer = try await PostgresLedgerStore.open(
                database: LedgerPostgresDatabase(url: to, logger: logger), clock: SystemClock(),
                identifiers: SystemIdentifierSource(), signer: try LogSigner.generate(origin: "copy"), logger: logger
            ).store
            do {
                let summary = try await writer.withWriteTransaction { written in
                    try reader.readSynchronously { read in
                        try LedgerCopy.copy(from: read, to: written, progress: progress)
                    }
                }
                await writer.close()
                return summary
            } catch {
                await writer.close()
                throw error
            }
        case (.postgres(let from), .sqlite(let to)):
            let reader = try await PostgresLedgerStore.openReadOnly(
                database: LedgerPostgresDatabase(url: from, logger: logger), logger: logger
            )
            let writer: SQLiteLedgerStore
            do {
                writer = try openSQLiteDestination(to, logger: logger)
            } catch {
                await reader.close()
                throw error
            }
            defer { try? writer.close() }
            do {
                let summary = try await reader.withReadTransaction { read in
                    try writer.writeSynchronously { written in
                        try LedgerCopy.copy(from: read, to: written, progress: progress)
                    }
                }
                await reader.close()
                return summary
            } catch {
                await reader.close()
                throw error
            }
        case (.postgres, .postgres):
            throw Refusal(
                description: "PostgreSQL to PostgreSQL: use pg_dump or pg_basebackup, which copy a database whole"
            )
        }
    }

    /// A new SQLite file with the schema, for the rows to go into.
    static func openSQLiteDestination(_ path: String, logger: Logger) throws -> SQLiteLedgerStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteLedgerStore(
            path: path, clock: SystemClock(), identifiers: SystemIdentifierSource(),
            signer: try LogSigner.generate(origin: "copy"), logger: logger
        )
        do {
            try store.migrate()
        } catch {
            try? store.close()
            throw error
        }
        return store
    }

    /// `verify` on either engine.
    static func verify(
        _ location: DatabaseLocation, verifierKeys: [String], logger: Logger
    ) async throws -> LedgerVerifier.Report {
        switch location {
        case .sqlite(let path):
            return try LedgerVerifier(path: path, verifierKeys: verifierKeys).verify()
        case .postgres(let url):
            let store = try await PostgresLedgerStore.openReadOnly(
                database: LedgerPostgresDatabase(url: url, logger: logger), logger: logger
            )
            do {
                let report = try await store.verify(verifierKeys: verifierKeys)
                await store.close()
                return report
            } catch {
                await store.close()
                throw error
            }
        }
    }
}
