import AuditLog
import Foundation
import GRDB
import FundCore
package import LedgerCore
public import LedgerSQL

/// `commons-ledger verify` on a database file: re-checks the audit log from its bytes
/// and the ledger tables against it, trusting neither.
///
/// In one pass over the entries it re-hashes every entry (against the stored leaf hash),
/// checks the chain and the replayed rules, compares every logged transaction, account
/// and asset with its table row, and every Merkle node it recomputes with the stored one.
/// Then it checks every stored checkpoint's signature and root, the checkpoint an
/// auditor saved earlier (`since`), and the current balances and daily closings.
public struct LedgerVerifier: Sendable {
    /// What a successful verification covered.
    public struct Report: Sendable, Equatable {
        public let entries: Int64
        public let checkpoints: Int
        public let transactions: Int
        public let root: String
        /// The largest tree size entries were rebuilt up to from the log (`rebuild
        /// --from-mirror`, `restore --mirror`): the private data of the rebuilt entries is not
        /// held. `nil`: never rebuilt.
        public var rebuiltAt: Int64? = nil
    }

    /// The SQLite file, for `verify()`; nil for a verifier that checks through a
    /// connection (`verify(_:)`).
    let path: String?
    let verifiers: [NoteVerifier]

    /// What `verify --url` without `--key` proves, said plainly: the server chose the key
    /// it is checked with, so a dishonest server passes with a log it rewrote and signed
    /// with a new key. Only a key pinned from elsewhere (saved at setup, published by the
    /// fund) checks the server's honesty.
    public static func unpinnedKeyNotice(serverKey: String) -> String {
        """
        WARNING: no --key given, so the server's own key was used (\(serverKey)). This proves the log is \
        self-consistent, but nothing about the server's honesty: the server chose the key, and a server that \
        rewrote its log and signed it with a new key would pass. Pin the key: save it once from a source you \
        trust (curl URL/v1/log/key > log.vkey at setup, or the key the fund publishes) and pass --key log.vkey.
        """
    }

    /// A verifier for the SQLite file at `path`, trusting checkpoints signed by
    /// `verifierKeys`.
    public init(path: String, verifierKeys: [String]) throws {
        self.path = path
        verifiers = try verifierKeys.map { try NoteVerifier(verifierKey: $0) }
    }

    /// A verifier that checks through a connection (`verify(_:)`), trusting checkpoints
    /// signed by `verifierKeys`.
    public init(verifierKeys: [String]) throws {
        path = nil
        verifiers = try verifierKeys.map { try NoteVerifier(verifierKey: $0) }
    }

    /// Runs every check on the SQLite file; throws the first `AuditFailure`. `progress`
    /// is called every `progressInterval` entries with the count so far and the total.
    /// Entries are parsed and hashed ahead by two threads with connections of their own.
    public func verify(
        since savedCheckpoint: String? = nil, progressInterval: Int64 = 100_000,
        progress: (Int64, Int64) -> Void = { _, _ in }
    ) throws -> Report {
        guard let path else { preconditionFailure("a verifier made without a path verifies through a connection") }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try verify(
                db, entries: .parsedAhead(path: path), since: savedCheckpoint, progressInterval: progressInterval,
                progress: progress
            )
        }
    }

    /// Runs every check through `db`, inside one read transaction (a consistent snapshot)
    /// its caller opened: for a database that is not a local file (PostgreSQL). Entries
    /// are read with a cursor on the same connection.
    public func verify(
        _ db: some SQLConnection, since savedCheckpoint: String? = nil, progressInterval: Int64 = 100_000,
        progress: (Int64, Int64) -> Void = { _, _ in }
    ) throws -> Report {
        try verify(
            db, entries: .cursor, since: savedCheckpoint, progressInterval: progressInterval, progress: progress
        )
    }

    /// Where the entries are read from: parsed ahead on threads with their own
    /// connections to the file, or in order through the checking connection.
    enum EntrySource {
        case parsedAhead(path: String)
        case cursor
    }

    private func verify(
        _ db: some SQLConnection, entries source: EntrySource, since savedCheckpoint: String?,
        progressInterval: Int64, progress: (Int64, Int64) -> Void
    ) throws -> Report {
        let total = try SQLMerkleNodes(db: db).currentTreeSize()
        let checkpoints = try db.fetchAll("SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size", []).map {
            (size: try LedgerRows.integer($0, "tree_size"), note: try LedgerRows.text($0, "note"))
        }
        var sizes = Set(checkpoints.map(\.size))
        let savedSize = try savedCheckpoint.map(LogAuditor.claimedSize(of:))
        if let savedSize { sizes.insert(savedSize) }
        var auditor = LogAuditor(rootSizes: sizes)
        let transactionCount = try checkEntries(
            db, from: source, total: total, auditor: &auditor, progressInterval: progressInterval, progress: progress
        )
        progress(auditor.treeSize, total)
        // Each checkpoint is checked with the keys in force at its size, as the log's
        // hand-overs (all read by now) say.
        let chain = try auditor.keyChain(trusting: verifiers)
        try checkCheckpoints(checkpoints, auditor: auditor, chain: chain)
        if let savedCheckpoint, let savedSize {
            let opened = try openSaved(savedCheckpoint, chain.verifiers(forTreeSize: savedSize))
            try Self.checkSaved(opened, auditor: auditor)
        }
        try Self.checkNodeCount(db, auditor: auditor)
        try Self.compareTotals(db, replay: auditor.replay, transactionCount: transactionCount)
        try Self.checkOrphanPrivateRows(db)
        try Self.checkDailyBalances(db)
        return Report(
            entries: auditor.treeSize, checkpoints: checkpoints.count, transactions: transactionCount,
            root: auditor.frontier.root.base64EncodedString,
            rebuiltAt: try Self.rebuiltAt(db)
        )
    }

    /// The checkpoint a reader saved earlier, opened with the keys in force at its size.
    private func openSaved(_ note: String, _ verifiers: [NoteVerifier]) throws -> Checkpoint {
        do {
            return try Checkpoint(parsing: try SignedNote.open(note, verifiers: verifiers).text)
        } catch {
            throw AuditFailure(index: nil, detail: "the saved checkpoint does not verify with the given key: \(error)")
        }
    }

    /// Every entry, in order, checked against everything before it (the chain, the
    /// replay, the tables). Returns how many transactions the log records.
    private func checkEntries(
        _ db: some SQLConnection, from source: EntrySource, total: Int64, auditor: inout LogAuditor,
        progressInterval: Int64, progress: (Int64, Int64) -> Void
    ) throws -> Int {
        var stream = try TransactionStream(db)
        var transactionCount = 0
        var closedThrough: LocalDate?
        try Self.forEachEntry(db, from: source, total: total) { parsed in
            try Self.checkPeriods(parsed.entry, closedThrough: &closedThrough)
            if try Self.checkEntry(db, parsed, auditor: &auditor, transactions: &stream) { transactionCount += 1 }
            let index = parsed.index
            if index % progressInterval == progressInterval - 1 { progress(index + 1, total) }
        }
        return transactionCount
    }

    /// Hands every entry below `total`, parsed and its stored leaf hash checked, to `body`
    /// in order.
    private static func forEachEntry(
        _ db: some SQLConnection, from source: EntrySource, total: Int64,
        _ body: (LogAuditor.ParsedEntry) throws -> Void
    ) throws {
        switch source {
        case .parsedAhead(let path):
            try forEachEntryParsedAhead(path: path, total: total, body)
        case .cursor:
            var rows = try db.makeCursor(
                "SELECT idx, data, leaf_hash FROM log_entries WHERE idx < ? ORDER BY idx", [total]
            )
            while let row = try rows.next() {
                let index = try row.value(Int64.self, at: 0)
                let parsed = try LogAuditor.parse(index: index, data: try row.value([UInt8].self, at: 1))
                guard try row.value([UInt8].self, at: 2) == parsed.leafHash.bytes else {
                    throw AuditFailure(
                        index: index, detail: "stored leaf hash does not match the entry's bytes: the entry was altered"
                    )
                }
                try body(parsed)
            }
        }
    }

    /// The entries of the file at `path`, parsed and hashed ahead by two threads with
    /// connections of their own, handed to `body` in order.
    private static func forEachEntryParsedAhead(
        path: String, total: Int64, _ body: (LogAuditor.ParsedEntry) throws -> Void
    ) throws {
        let pipes = (0..<Self.parsingThreads).map { _ in EntryPipe() }
        for (worker, pipe) in pipes.enumerated() {
            Thread { Self.parseEntries(path: path, below: total, worker: worker, into: pipe) }.start()
        }
        defer { for pipe in pipes { pipe.close() } }
        var chunk = 0
        reading: while true {
            let pipe = pipes[chunk % pipes.count]
            let parsedEntries: [LogAuditor.ParsedEntry]
            let failure: (any Error)?
            switch pipe.take() {
            case .chunk(let entries, let error): (parsedEntries, failure) = (entries, error)
            case .end: break reading
            }
            chunk += 1
            // Handed back once checked, so the thread that built the entries frees
            // them: freeing across threads contends on the allocator's arena lock.
            defer { pipe.giveBack(parsedEntries) }
            for parsed in parsedEntries { try body(parsed) }
            // The chunk's entries before a bad one were checked first, in order.
            if let failure { throw failure }
        }
    }

    /// One entry against the log so far, the Merkle nodes and the tables; true when it
    /// records a transaction (compared with the next stored one: both are in log order).
    private static func checkEntry<Connection: SQLConnection>(
        _ db: Connection, _ parsed: LogAuditor.ParsedEntry, auditor: inout LogAuditor,
        transactions stream: inout TransactionStream<Connection>
    ) throws -> Bool {
        let entry = parsed.entry
        let before = auditor.frontier
        try auditor.accept(parsed)
        try checkNodes(db, before: before, leafHash: parsed.leafHash)
        var logged: LedgerTransaction?
        switch entry.event {
        case .transactionRecorded(let transaction): logged = transaction
        case .fundAction(let action):
            for account in action.accountsOpened {
                let opening = LogEntry(
                    index: entry.index, recordedAt: entry.recordedAt, event: .accountOpened(account),
                    previousHash: entry.previousHash, balances: [], principal: entry.principal
                )
                try compareWithTables(db, entry: opening)
            }
            logged = action.transaction
            try compareDomainRows(db, action: action, index: entry.index)
            if action.kind == .periodClosed { try checkSeal(action, index: entry.index, before: before) }
        default: try compareWithTables(db, entry: entry)
        }
        guard let transaction = logged else { return false }
        guard let stored = try stream.next(), ExactText.same(stored, transaction) else {
            throw AuditFailure(
                index: entry.index, detail: "transaction \(transaction.id) in the tables differs from the log")
        }
        return true
    }

    /// Every stored checkpoint: its signature (on every core: one checkpoint per commit
    /// can mean as many as entries), then its root against the log's, in order.
    private func checkCheckpoints(
        _ notes: [(size: Int64, note: String)], auditor: LogAuditor, chain: LogKeyChain
    ) throws {
        let opened = LockedResults<Result<Checkpoint, AuditFailure>>(count: notes.count)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for position in stride(from: worker, to: notes.count, by: workers) {
                let stored = notes[position]
                opened.set(
                    position,
                    Result { () throws(AuditFailure) in
                        try LogAuditor.open(
                            checkpointNote: stored.note, verifiers: chain.verifiers(forTreeSize: stored.size))
                    })
            }
        }
        for (position, stored) in notes.enumerated() {
            guard let result = opened.value(position) else { preconditionFailure("every checkpoint was opened") }
            let checkpoint = try auditor.checkRoot(of: try result.get())
            guard checkpoint.treeSize == stored.size else {
                throw AuditFailure(
                    index: nil,
                    detail: "the checkpoint stored for tree size \(stored.size) signs size \(checkpoint.treeSize)")
            }
        }
    }

    /// The log still holds the saved checkpoint's entries, unchanged.
    private static func checkSaved(_ saved: Checkpoint, auditor: LogAuditor) throws {
        guard saved.treeSize <= auditor.treeSize else {
            throw AuditFailure(
                index: auditor.treeSize,
                detail: "the saved checkpoint covers \(saved.treeSize) entries; the log now has "
                    + "\(auditor.treeSize): entries were removed"
            )
        }
        guard auditor.roots[saved.treeSize] == saved.rootHash else {
            throw AuditFailure(
                index: nil,
                detail: "the log is not consistent with the saved checkpoint at size \(saved.treeSize): "
                    + "history was rewritten"
            )
        }
    }

    /// Exactly the interior nodes a tree of the log's size has.
    private static func checkNodeCount(_ db: some SQLConnection, auditor: LogAuditor) throws {
        let storedNodes = try db.fetchValue(Int64.self, "SELECT count(*) FROM log_nodes") ?? 0
        let expectedNodes = interiorNodeCount(treeSize: auditor.treeSize)
        guard storedNodes == expectedNodes else {
            throw AuditFailure(
                index: nil,
                detail: "log_nodes holds \(storedNodes) nodes; a tree of \(auditor.treeSize) entries has "
                    + "\(expectedNodes)"
            )
        }
    }

    /// Threads parsing and hashing entries, and the entries in one hand-over.
    static let parsingThreads = 2
    static let chunkSize: Int64 = 256

    /// Parses and hashes chunk `worker`, `worker` + `parsingThreads`, … of the entries
    /// [0, `total`) on its own read-only connection (checking each stored leaf hash) and
    /// hands them over in order; a chunk with a bad entry carries the entries before it
    /// and the failure, and is the worker's last.
    static func parseEntries(path: String, below total: Int64, worker: Int, into pipe: EntryPipe) {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                var start = Int64(worker) * chunkSize
                while start < total {
                    pipe.dropFinished()
                    var entries: [LogAuditor.ParsedEntry] = []
                    entries.reserveCapacity(Int(chunkSize))
                    do {
                        let rows = try Row.fetchCursor(
                            db.cachedStatement(
                                sql: """
                                    SELECT idx, data, leaf_hash FROM log_entries WHERE idx >= ? AND idx < ?
                                    ORDER BY idx
                                    """),
                            arguments: [start, min(start + chunkSize, total)]
                        )
                        while let row = try rows.next() {
                            let index = try row.value(Int64.self, at: 0)
                            let parsed = try LogAuditor.parse(
                                index: index, data: try row.value([UInt8].self, at: 1))
                            guard
                                try row.withUnsafeData(
                                    atIndex: 2, { $0?.elementsEqual(parsed.leafHash.bytes) ?? false })
                            else {
                                throw AuditFailure(
                                    index: index,
                                    detail: "stored leaf hash does not match the entry's bytes: the entry was altered")
                            }
                            entries.append(parsed)
                        }
                    } catch {
                        _ = pipe.put(.chunk(entries, failure: error))
                        return
                    }
                    guard pipe.put(.chunk(entries, failure: nil)) else { return }
                    start += Int64(parsingThreads) * chunkSize
                }
            }
            _ = pipe.put(.end)
        } catch {
            _ = pipe.put(.chunk([], failure: error))
        }
    }

    /// The nodes appending `leafHash` completes must equal the stored ones. (A point
    /// lookup each: measured faster at 1M entries than a cursor per level, which made
    /// the verification 20 % slower.)
    /// No hold or release beyond what the log records: one hold per approval that booked a
    /// grant, each release by a step taken then or by a logged expiry.
    static func compareHoldTotals(_ db: some SQLConnection, expired: Int?) throws {
        let holds = try db.fetchValue(Int.self, "SELECT count(*) FROM disbursement_holds") ?? 0
        let approvals = try db.fetchValue(
            Int.self, "SELECT count(*) FROM disbursement_steps WHERE kind = 'approve' AND transaction_id IS NOT NULL")
        let unexplained = try db.fetchValue(
            Int.self,
            """
            SELECT count(*) FROM disbursement_hold_releases r WHERE r.reason <> 'expired' AND NOT EXISTS (
                SELECT 1 FROM disbursement_steps s WHERE s.disbursement_id = r.disbursement_id AND s.at = r.released_at
                AND s.kind = CASE r.reason WHEN 'paid' THEN 'pay' WHEN 'cancelled' THEN 'cancel' ELSE 'reject' END)
            """)
        let expiries = try db.fetchValue(
            Int.self, "SELECT count(*) FROM disbursement_hold_releases WHERE reason = 'expired'") ?? 0
        guard holds == approvals ?? 0, unexplained == 0, expiries == expired ?? 0 else {
            throw AuditFailure(
                index: nil, detail: "the holds tables differ from the log: \(holds) holds for \(approvals ?? 0) "
                    + "approvals, \(unexplained ?? 0) releases without their step, \(expiries) expiries for "
                    + "\(expired ?? 0) logged")
        }
    }

    /// From the log alone: nothing after a period closing is dated on or before its day (a
    /// transaction, a fund step's transaction, an exchange rate), and closings move forward.
    package static func checkPeriods(_ entry: LogEntry, closedThrough: inout LocalDate?) throws {
        var dates: [LocalDate] = []
        switch entry.event {
        case .transactionRecorded(let transaction): dates = [transaction.date]
        case .fundAction(let action):
            dates = action.transaction.map { [$0.date] } ?? []
            switch try? FundEvent(action) {
            case .exchangeRateRecorded(let rate)?: dates.append(rate.date)
            case .periodClosed(let closing)?:
                if let closedThrough, closing.through <= closedThrough {
                    throw AuditFailure(index: entry.index, detail: "a period closing goes back to \(closing.through)")
                }
                closedThrough = closing.through
            default: break
            }
        default: break
        }
        if let closedThrough, let date = dates.first(where: { $0 <= closedThrough }) {
            throw AuditFailure(
                index: entry.index, detail: "dated \(date), in the period closed through \(closedThrough)")
        }
    }

    /// A closing must seal exactly the log before its own entry: that tree size and root.
    static func checkSeal(_ action: FundAction, index: Int64, before: MerkleFrontier) throws {
        guard case .periodClosed(let closing)? = try? FundEvent(action), closing.sealedTreeSize == index,
            closing.sealedRootHash == before.root.base64EncodedString
        else {
            throw AuditFailure(index: index, detail: "the period closing does not seal the log before it")
        }
    }

    static func checkNodes(_ db: some SQLConnection, before: MerkleFrontier, leafHash: Hash) throws {
        var frontier = before
        for node in frontier.append(leafHash: leafHash) where node.level > 0 {
            let stored = try db.fetchValue(
                [UInt8].self, "SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [node.level, node.index]
            )
            guard let stored, [UInt8](stored) == node.hash.bytes else {
                throw AuditFailure(
                    index: before.treeSize,
                    detail: "stored Merkle node (level \(node.level), index \(node.index)) is missing or differs")
            }
        }
    }

    /// Complete subtrees above the leaves in a tree of `treeSize` leaves.
    static func interiorNodeCount(treeSize: Int64) -> Int64 {
        var count: Int64 = 0
        var width = treeSize / 2
        while width > 0 {
            count += width
            width /= 2
        }
        return count
    }

    /// The table row of what the entry records must say exactly what the entry says.
    static func compareWithTables(_ db: some SQLConnection, entry: LogEntry) throws {
        switch entry.event {
        case .assetRegistered(let asset):
            guard let stored = try LedgerRows.asset(db, code: asset.code), stored == asset,
                ExactText.same(stored.name, asset.name)
            else {
                throw AuditFailure(
                    index: entry.index, detail: "asset \(asset.code) in the assets table differs from the log")
            }
        case .accountOpened(let account):
            guard let stored = try LedgerRows.account(db, reference: .id(account.id))?.account,
                stored.code == account.code, stored.type == account.type, stored.allowedAssets == account.allowedAssets,
                stored.constraint == account.constraint, ExactText.same(stored.metadata, account.metadata),
                stored.createdAt == account.createdAt
            else {
                throw AuditFailure(
                    index: entry.index, detail: "account \(account.code) in the accounts table differs from the log")
            }
        case .accountClosed(let account):
            guard let stored = try LedgerRows.account(db, reference: .id(account.id))?.account,
                stored.closedAt == account.closedAt
            else {
                throw AuditFailure(
                    index: entry.index, detail: "account \(account.code) is not closed in the table as the log records")
            }
        case .keyCreated(let key), .keyRevoked(let key):
            try compareKey(db, key, index: entry.index)
        case .logKeyRotated(let rotation):
            let stored = try SQLiteLedgerStore.rotationRows(db).first { $0.index == entry.index }?.rotation
            guard let stored, stored == rotation, ExactText.same(stored.handover, rotation.handover) else {
                throw AuditFailure(
                    index: entry.index, detail: "the key hand-over in the log_key_rotations table differs from the log")
            }
        case .fundAction:
            preconditionFailure("fund actions are compared part by part by the caller")
        case .transactionRecorded(let transaction):
            let stored: LedgerTransaction?
            do {
                stored = try LedgerRows.transaction(db, id: transaction.id)?.transaction
            } catch {
                throw AuditFailure(
                    index: entry.index,
                    detail: "transaction \(transaction.id) does not read back from the tables: \(error)")
            }
            guard let stored else {
                throw AuditFailure(
                    index: entry.index, detail: "transaction \(transaction.id) is in the log but not in the tables")
            }
            let comparable = LedgerTransaction(
                id: stored.id, date: stored.date, description: stored.description, metadata: stored.metadata,
                postings: stored.postings, recordedAt: stored.recordedAt, reversesID: stored.reversesID,
                reversedByID: nil
            )
            guard ExactText.same(comparable, transaction) else {
                throw AuditFailure(
                    index: entry.index, detail: "transaction \(transaction.id) in the tables differs from the log")
            }
        }
    }

    /// A logged key must match its rows: id, role, times and person; and either its name
    /// (logged in clear before people existed) or its commitment, which must also be
    /// SHA-256(salt || the key and person names) as the private tables hold them.
    static func compareKey(_ db: some SQLConnection, _ key: APIKey, index: Int64) throws {
        guard
            let row = try db.fetchOne(SQLiteLedgerStore.keySelect + " WHERE k.id = ?", [key.id])
        else {
            throw AuditFailure(index: index, detail: "key \(key.id) is in the log but not in the api_keys table")
        }
        let stored = try SQLiteLedgerStore.key(from: row)
        let comparable = APIKey(
            id: stored.id, name: key.commitment == nil ? stored.name : nil, role: stored.role,
            personID: stored.personID,
            commitment: stored.commitment, createdAt: stored.createdAt, expiresAt: stored.expiresAt,
            revokedAt: key.revokedAt == nil ? nil : stored.revokedAt
        )
        guard comparable == key, ExactText.same(comparable.name, key.name) else {
            throw AuditFailure(index: index, detail: "key \(key.id) in the api_keys table differs from the log")
        }
        guard let commitment = key.commitment else { return }
        guard try SQLiteLedgerStore.keyCommitment(db, keyID: key.id) == commitment
            || isRebuiltWithoutNames(db, key, index: index)
        else {
            throw AuditFailure(
                index: index,
                detail: "key \(key.id): the names and salt kept privately do not match the logged commitment")
        }
    }

    /// A key of a database rebuilt from the log, whose names (never in the log) are not
    /// held: its salt is all zeros, as `LedgerRebuild` writes it.
    static func isRebuiltWithoutNames(_ db: some SQLConnection, _ key: APIKey, index: Int64) throws -> Bool {
        let salt = try db.fetchValue([UInt8].self, "SELECT salt FROM api_key_people WHERE key_id = ?", [key.id])
        return try salt.map { [UInt8]($0) } == LedgerRebuild.notHeldSalt && isRebuilt(db, covering: index)
    }

    /// No rows beyond what the log records, and current balances equal to the replay's.
    static func compareTotals(_ db: some SQLConnection, replay: LedgerReplay, transactionCount: Int) throws {
        let steps = replay.fundActions
        let tables: [(String, Int)] = [
            ("assets", replay.assets.count), ("accounts", replay.accounts.count), ("transactions", transactionCount),
            ("api_keys", replay.keys.count), ("log_key_rotations", max(0, replay.logKeys.count - 1)),
            ("members", steps[.memberRegistered, default: 0]),
            ("member_erasures", steps[.memberPrivateDataErased, default: 0]),
            ("funds", steps[.fundCreated, default: 0]),
            ("pledges", steps[.pledgeMade, default: 0]),
            ("pledge_cancellations", steps[.pledgeCancelled, default: 0]),
            ("contributions", steps[.contributionReceived, default: 0]),
            ("disbursements", steps[.disbursementRequested, default: 0]),
            ("beneficiary_erasures", steps[.disbursementBeneficiaryErased, default: 0]),
            ("conversions", steps[.conversionRecorded, default: 0]),
            ("fx_rates", steps[.exchangeRateRecorded, default: 0]),
            ("period_closings", steps[.periodClosed, default: 0]),
            (
                "disbursement_steps",
                [.disbursementApproved, .disbursementRejected, .disbursementPaid, .disbursementCancelled]
                    .reduce(0) { $0 + steps[$1, default: 0] }
            ),
            ("cash_adjustments", steps[.cashAdjustmentRequested, default: 0]),
            (
                "cash_adjustment_steps",
                [.cashAdjustmentApproved, .cashAdjustmentRejected].reduce(0) { $0 + steps[$1, default: 0] }
            ),
        ]
        // An earlier release's file, read unmigrated, has none of these tables (nor their entries).
        let absent = Set(try ["log_key_rotations", "period_closings"].filter { try !hasTable(db, $0) })
        if try hasTable(db, "disbursement_holds") {
            try compareHoldTotals(db, expired: steps[.disbursementHoldExpired])
        }
        for (table, expected) in tables {
            let count = absent.contains(table) ? 0 : try db.fetchValue(Int.self, "SELECT count(*) FROM \(table)") ?? 0
            guard count == expected else {
                throw AuditFailure(
                    index: nil, detail: "the \(table) table has \(count) rows; the log records \(expected)")
            }
        }
        let rows = try db.fetchAll(
            "SELECT a.id, b.asset, b.balance FROM balances b JOIN accounts a ON a.seq = b.account_seq", []
        )
        var stored: [BalanceKey: Int64] = [:]
        for row in rows {
            let key = BalanceKey(
                accountID: try LedgerRows.parse(row, "id", table: "accounts", AccountID.init),
                asset: try LedgerRows.parse(row, "asset", table: "balances", AssetCode.init)
            )
            stored[key] = try LedgerRows.integer(row, "balance")
        }
        let replayed = replay.balances.mapValues(\.minorUnits)
        guard stored == replayed else {
            let key = Set(stored.keys).union(replayed.keys).sorted().first { stored[$0] != replayed[$0] }
            let name = key.map { "\($0.accountID) \($0.asset)" } ?? "?"
            let inTables = key.flatMap { stored[$0] }.map(String.init) ?? "missing"
            let inLog = key.flatMap { replayed[$0] }.map(String.init) ?? "none"
            throw AuditFailure(
                index: nil, detail: "balance of \(name) is \(inTables) in the tables; the log gives \(inLog)")
        }
    }

    /// Every daily closing and every posting's running sum, recomputed from the postings.
    ///
    /// Both tables are read in (account, asset, date) order — the postings through their
    /// index, the closings by their key — and walked in step: each day of postings must
    /// be exactly the next closing row, and no closing row may be left over. Constant
    /// memory whatever the book's size.
    static func checkDailyBalances<Connection: SQLConnection>(_ db: Connection) throws {
        var postings = try db.makeCursor(
            """
            SELECT account_seq, asset, date, amount, day_running FROM postings
            ORDER BY account_seq, asset, date, transaction_seq, position
            """,
            []
        )
        var closings = DailyClosings(
            rows: try db.makeCursor(
                """
                SELECT account_seq, asset, date, day_change, closing FROM balance_days
                ORDER BY account_seq, asset, date
                """,
                []
            )
        )
        var day: DailyClosingDay?
        while let row = try postings.next() {
            let account = try row.value(Int64.self, at: 0)
            let asset = try row.value(String.self, at: 1)
            let date = try row.value(String.self, at: 2)
            let amount = try row.value(Int64.self, at: 3)
            if var current = day, current.account == account, current.asset == asset {
                if current.date != date {
                    try closings.compare(current)
                    current = .init(account: account, asset: asset, date: date, change: 0, closing: current.closing)
                }
                current.change &+= amount
                current.closing &+= amount
                day = current
            } else {
                if let previous = day { try closings.compare(previous) }
                day = .init(account: account, asset: asset, date: date, change: amount, closing: amount)
            }
            guard try row.value(Int64.self, at: 4) == day?.change else {
                let key = "account #\(account) \(asset) on \(date)"
                throw AuditFailure(index: nil, detail: "a posting's running sum for \(key) does not match the postings")
            }
        }
        if let last = day { try closings.compare(last) }
        try closings.expectEnd()
    }
}

/// The day being summed: its key, its change so far and the closing so far.
private struct DailyClosingDay {
    let account: Int64
    let asset: String
    let date: String
    var change: Int64
    var closing: Int64
}

/// The `balance_days` rows, walked in step with the days the postings give.
private struct DailyClosings<Cursor: SQLCursor> {
    var rows: Cursor

    /// The day's closing row must be the next one and say what the postings gave.
    mutating func compare(_ day: DailyClosingDay) throws {
        let key = "account #\(day.account) \(day.asset) on \(day.date)"
        guard let row = try rows.next() else {
            throw AuditFailure(index: nil, detail: "balance_days has no closing for \(key), which has postings")
        }
        let stored = try Self.key(row)
        guard stored == key else {
            throw AuditFailure(
                index: nil, detail: "balance_days holds a closing for \(stored) where the postings give \(key)"
            )
        }
        guard try row.value(Int64.self, at: 3) == day.change, try row.value(Int64.self, at: 4) == day.closing else {
            throw AuditFailure(index: nil, detail: "the daily closing of \(key) does not match the postings")
        }
    }

    /// No closing row may be left once the postings end.
    mutating func expectEnd() throws {
        guard let extra = try rows.next() else { return }
        let key = try Self.key(extra)
        throw AuditFailure(index: nil, detail: "balance_days holds a closing for \(key) without postings")
    }

    private static func key(_ row: some SQLRow) throws -> String {
        let account = try row.value(Int64.self, at: 0)
        let asset = try row.value(String.self, at: 1)
        return "account #\(account) \(asset) on \(try row.value(String.self, at: 2))"
    }
}

/// The transactions table and its postings, read in recording order in one pass each —
/// a merge with the log instead of a lookup per entry.
private struct TransactionStream<Connection: SQLConnection> {
    var transactions: Connection.Cursor
    var postings: Connection.Cursor
    var pendingPosting: Connection.Row?

    init(_ db: Connection) throws {
        transactions = try db.makeCursor(
            """
            SELECT t.seq, t.id, t.date, t.description, t.metadata, t.recorded_at, original.id AS reverses_id
            FROM transactions t LEFT JOIN transactions original ON original.seq = t.reverses_seq
            ORDER BY t.seq
            """,
            []
        )
        postings = try db.makeCursor(
            """
            SELECT p.transaction_seq, a.id AS account_id, a.code AS account_code, p.asset, p.amount
            FROM postings p JOIN accounts a ON a.seq = p.account_seq
            ORDER BY p.transaction_seq, p.position
            """,
            []
        )
    }

    /// The next stored transaction as the log would record it (without `reversedByID`),
    /// or `nil` when the table has no more rows. Columns by position, as selected above.
    mutating func next() throws -> LedgerTransaction? {
        guard let row = try transactions.next() else { return nil }
        let seq = try row.value(Int64.self, at: 0)
        var list: [Posting] = []
        while true {
            if pendingPosting == nil { pendingPosting = try postings.next()?.detached() }
            guard let posting = pendingPosting else { break }
            let postingSeq = try posting.value(Int64.self, at: 0)
            guard postingSeq <= seq else { break }
            pendingPosting = nil
            guard postingSeq == seq else { continue }
            let amount = try LedgerRows.amount(posting, atIndex: 4, table: "postings")
            guard !amount.isZero else { throw StorageError.corruptRow(table: "postings", detail: "amount is zero") }
            list.append(
                Posting(
                    accountID: try LedgerRows.parse(posting, atIndex: 1, table: "accounts", AccountID.init),
                    accountCode: try LedgerRows.parse(posting, atIndex: 2, table: "accounts", AccountCode.init),
                    asset: try LedgerRows.parse(posting, atIndex: 3, table: "postings", AssetCode.init),
                    amount: amount
                ))
        }
        guard list.count >= Limits.postingsMin else { return nil }
        return LedgerTransaction(
            id: try LedgerRows.parse(row, atIndex: 1, table: "transactions", TransactionID.init),
            date: try LedgerRows.parse(row, atIndex: 2, table: "transactions", LocalDate.init),
            description: try row.value(String.self, at: 3),
            metadata: try LedgerRows.metadata(row, atIndex: 4, table: "transactions"),
            postings: list,
            recordedAt: try LedgerRows.parse(row, atIndex: 5, table: "transactions", Timestamp.init),
            reversesID: try row.value(String?.self, at: 6).flatMap(TransactionID.init),
            reversedByID: nil
        )
    }
}

/// A bounded, ordered hand-over of parsed entries from one parsing thread to the checker.
final class EntryPipe: @unchecked Sendable {
    enum Item {
        /// One chunk's entries in order; with a failure, the entries before the bad one.
        case chunk([LogAuditor.ParsedEntry], failure: (any Error)?)
        /// The worker has no chunk left.
        case end
    }

    private let condition = NSCondition()
    private var items: [Item] = []
    private var isClosed = false
    /// Batches held at most: bounds memory whatever the log's size.
    private let capacity = 8

    /// Hands over an item, waiting while the pipe is full; false once the reader has gone.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !isClosed { condition.wait() }
        guard !isClosed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Takes the next item, waiting until there is one.
    func take() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Chunks the checker is done with, waiting to be freed by the thread that built them.
    private var finished: [[LogAuditor.ParsedEntry]] = []

    /// Hands a checked chunk back to the thread that built it.
    func giveBack(_ entries: [LogAuditor.ParsedEntry]) {
        condition.lock()
        finished.append(entries)
        condition.unlock()
    }

    /// Frees, on the calling thread, the chunks handed back so far.
    func dropFinished() {
        condition.lock()
        let taken = finished
        finished = []
        condition.unlock()
        _ = consume taken
    }

    /// The reader is done: a waiting or later `put` returns false.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Results written by concurrent workers, one slot each.
final class LockedResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func set(_ position: Int, _ value: Value) {
        lock.withLock { values[position] = value }
    }

    func value(_ position: Int) -> Value? {
        lock.withLock { values[position] }
    }
}
