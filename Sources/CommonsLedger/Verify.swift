import ArgumentParser
import AuditLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging
import PostgresStorage

/// `commons-ledger verify`: check the audit log and the books against it, offline on a
/// database file or against a live server.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the audit log, its signed checkpoints and the ledger tables against it.",
        discussion: """
            Exits 0 when everything verifies, 1 with the first bad entry and what differs otherwise. \
            --key pins the verifier key you trust (text or a file holding it); without it, the key \
            beside the database is used, and with --url the server's own key: that proves the log is \
            self-consistent but nothing about the server's honesty (the server chose the key). --since \
            checks the log is consistent with a checkpoint you saved earlier \
            (e.g. curl .../v1/log/checkpoint > saved.checkpoint).
            """
    )

    @Option(help: "Database to verify offline: a SQLite file, or a postgres:// URL (then --key is required).")
    var database: String?

    @Option(help: "Base URL of a running server to verify instead, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(help: "Verifier key (vkey text or a file containing it).")
    var key: String?

    @Option(help: "A signed checkpoint saved earlier; the log must be consistent with it.")
    var since: String?

    @Option(help: "With --url: a C2SP tlog-policy file; the server's witnessed checkpoint must meet its quorum.")
    var policy: String?

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func run() async throws {
        let saved = try since.map { path -> String in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        do {
            if let url {
                try await verifyServer(url: url, saved: saved)
            } else if let database {
                switch try DatabaseLocation(database) {
                case .sqlite(let path): try verifyDatabase(path: path, saved: saved)
                case .postgres(let url): try await verifyPostgres(url: url, saved: saved)
                }
            } else {
                throw ValidationError("give --database PATH or --url URL")
            }
        } catch let failure as AuditFailure {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
    }

    func verifierKeys(fallback: () throws -> String) throws -> [String] {
        if let key { return [Self.verifierKey(key)] }
        let fallbackKey = try fallback()
        if !quiet, !fallbackKey.isEmpty {
            FileHandle.standardError.write(Data("note: no --key given; trusting \(fallbackKey)\n".utf8))
        }
        return [fallbackKey]
    }

    func verifyDatabase(path: String, saved: String?) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
        let keys = try verifierKeys { try Keys.verifierKey(besideDatabase: path) }
        let started = Date()
        let report = try LedgerVerifier(path: path, verifierKeys: keys).verify(since: saved) { done, total in
            guard !quiet else { return }
            FileHandle.standardError.write(Data("verified \(done) of \(total) entries\n".utf8))
        }
        printReport(report, seconds: Date().timeIntervalSince(started))
    }

    /// A verifier key given on the command line: the file of that name when there is one,
    /// else the key's text itself (`--key` of `verify` and `copy`).
    static func verifierKey(_ argument: String) -> String {
        guard let data = FileManager.default.contents(atPath: argument) else { return argument }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The same checks on a PostgreSQL database, in one snapshot. The key must be given:
    /// a database URL has no file beside it to take one from.
    func verifyPostgres(url: PostgresURL, saved: String?) async throws {
        guard key != nil else {
            throw ValidationError("verifying a PostgreSQL database needs --key (the log's verifier key)")
        }
        let keys = try verifierKeys { "" }
        let logger = Logger(label: "commons-ledger")
        let store = try await PostgresLedgerStore.openReadOnly(
            database: LedgerPostgresDatabase(url: url, logger: logger), logger: logger
        )
        let started = Date()
        let quiet = self.quiet
        do {
            let report = try await store.verify(verifierKeys: keys, since: saved) { done, total in
                guard !quiet else { return }
                FileHandle.standardError.write(Data("verified \(done) of \(total) entries\n".utf8))
            }
            await store.close()
            printReport(report, seconds: Date().timeIntervalSince(started))
        } catch {
            await store.close()
            throw error
        }
    }

    func printReport(_ report: LedgerVerifier.Report, seconds: Double) {
        print(
            "OK: \(report.entries) entries, \(report.transactions) transactions, "
                + "\(report.checkpoints) checkpoints verified in \(String(format: "%.2f", seconds)) s"
        )
        print("root \(report.root)")
        if let size = report.rebuiltAt {
            print(
                "note: entries of this database up to \(size) were rebuilt from its log (rebuild --from-mirror "
                    + "or restore --mirror): their private data is not held here, only its commitments"
            )
        }
    }

    func verifyServer(url base: String, saved: String?) async throws {
        let server = ServerLog(base: base)
        let (note, checkpoint, verifiers, unpinned, witnesses) = try await serverCheckpoint(server)
        let savedSize = try saved.map(LogAuditor.claimedSize(of:))
        var auditor = LogAuditor(rootSizes: Set([checkpoint.treeSize] + (savedSize.map { [$0] } ?? [])))
        while auditor.treeSize < checkpoint.treeSize {
            let page = try await server.entries(start: auditor.treeSize, end: checkpoint.treeSize)
            guard !page.isEmpty else {
                throw AuditFailure(index: auditor.treeSize, detail: "the server returned no entries")
            }
            for entry in page {
                try auditor.consume(index: entry.index, data: entry.data)
            }
            if !quiet {
                let line = "verified \(auditor.treeSize) of \(checkpoint.treeSize) entries\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        // Signatures are checked now that every key hand-over is read: each checkpoint
        // with the key in force at its size, followed from the key trusted.
        let chain = try auditor.keyChain(trusting: verifiers)
        _ = try auditor.check(checkpointNote: note, chain: chain)
        let savedCheckpoint = try saved.map { saved in
            do {
                let keys = chain.verifiers(forTreeSize: try LogAuditor.claimedSize(of: saved))
                return try Checkpoint(parsing: try SignedNote.open(saved, verifiers: keys).text)
            } catch {
                throw AuditFailure(index: nil, detail: "the saved checkpoint does not verify: \(error)")
            }
        }
        if let savedCheckpoint {
            guard savedCheckpoint.treeSize <= checkpoint.treeSize else {
                throw AuditFailure(
                    index: nil, detail: "the saved checkpoint is larger than the server's log: entries were removed"
                )
            }
            let proof = try await server.consistencyProof(first: savedCheckpoint.treeSize, second: checkpoint.treeSize)
            guard MerkleVerifier.verifyConsistency(
                first: savedCheckpoint.treeSize, second: checkpoint.treeSize,
                firstRoot: savedCheckpoint.rootHash, secondRoot: checkpoint.rootHash, proof: proof
            ), auditor.roots[savedCheckpoint.treeSize] == savedCheckpoint.rootHash else {
                throw AuditFailure(
                    index: nil,
                    detail: "the server's log is not consistent with the saved checkpoint: history was rewritten"
                )
            }
        }
        let witnessed = witnesses.map { ", witnessed by " + $0.sorted().joined(separator: ", ") } ?? ""
        print(
            "OK: \(checkpoint.treeSize) entries from \(base) verified against \(checkpoint.origin), "
                + "root \(checkpoint.rootHash.base64EncodedString)" + witnessed
        )
        if let unpinned { print(unpinned) }
    }

    /// The server's checkpoint and the keys trusted to sign it. With `--policy`: the
    /// policy's logs, and the witnessed checkpoint (`/tlog/checkpoint`), whose
    /// cosignatures must meet the policy's quorum; else `--key` or, unpinned (said
    /// loudly), the server's own key, and the latest checkpoint.
    func serverCheckpoint(_ server: ServerLog) async throws -> (
        note: String, checkpoint: Checkpoint, verifiers: [NoteVerifier], unpinned: String?, witnesses: Set<String>?
    ) {
        let policy = try self.policy.map(Self.loadPolicy)
        var trusted: [String]
        var unpinned: String?
        if let policy {
            trusted = policy.logs.map(\.verifier.verifierKey)
            if let key, !trusted.contains(Self.verifierKey(key)) {
                throw ValidationError("--key is not one of the logs of --policy")
            }
        } else {
            let keys = try verifierKeys { "" }.filter { !$0.isEmpty }
            trusted = keys.isEmpty ? [try await server.verifierKey()] : keys
            // Said on standard error before the work and again in the result, never silenced.
            unpinned = keys.isEmpty ? LedgerVerifier.unpinnedKeyNotice(serverKey: trusted[0]) : nil
            if let unpinned { FileHandle.standardError.write(Data((unpinned + "\n").utf8)) }
        }
        let verifiers = try trusted.map { try NoteVerifier(verifierKey: $0) }
        let path = policy == nil ? "/v1/log/checkpoint" : "/tlog/checkpoint"
        let note = String(decoding: try await server.get(path), as: UTF8.self)
        // Read, not yet trusted: its signature is checked once the entries are (a key
        // hand-over among them changes which key must have signed it).
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(parsing: try SignedNote(parsing: note).text)
        } catch {
            throw AuditFailure(index: nil, detail: "the server's checkpoint does not parse: \(error)")
        }
        guard let policy else { return (note, checkpoint, verifiers, unpinned, nil) }
        guard let witnesses = (try? SignedNote(parsing: note)).flatMap(policy.verify) else {
            throw AuditFailure(index: nil, detail: "the server's checkpoint is not cosigned by the policy's quorum")
        }
        return (note, checkpoint, verifiers, nil, witnesses)
    }

    /// A C2SP tlog-policy file.
    static func loadPolicy(_ path: String) throws -> WitnessPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        do {
            return try WitnessPolicy(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}
