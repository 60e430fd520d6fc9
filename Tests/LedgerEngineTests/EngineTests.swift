// Goal: the engine's guarantees hold over any backend that provides the statements —
// a group commits together, a refused request is rolled back alone, one checkpoint is
// signed per group over exactly the committed entries, an idempotency key replays the
// same request and refuses another — and the reserved-metadata rule refuses a key
// present with any value, `null` included.
import AuditLog
import Dispatch
import FundCore
import LedgerCore
import LedgerEngine
import Testing

@Suite struct EngineTests {
    static let signer: NoteSigner = {
        do {
            return try NoteSigner(name: try NoteKeyName("engine.test"), seed: [UInt8](repeating: 3, count: 32))
        } catch {
            preconditionFailure("a fixed seed makes a key")
        }
    }()

    struct Refused: Error {}

    static func asset(_ code: String) -> LedgerEvent {
        guard let assetCode = AssetCode(code) else { preconditionFailure("test codes are valid") }
        return .assetRegistered(Asset(
            code: assetCode, scale: 2, name: code, createdAt: Timestamp(microsecondsSinceEpoch: 0)
        ))
    }

    /// Submits 40 appends at once, every fifth refused after appending; returns what was answered.
    static func submitConcurrently(
        _ committer: GroupCommitter<MemoryBackend>
    ) async -> [Int: Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        try await committer.submit { statements, now in
                            var log = try LogAppender(statements)
                            try log.append(statements, event: asset("A\(index)"), balances: [], by: .system, at: now)
                            if index % 5 == 4 { throw Refused() }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            var answered: [Int: Bool] = [:]
            for await (index, applied) in group { answered[index] = applied }
            return answered
        }
    }

    @Test func aGroupCommitsTogetherAndARefusalFailsAlone() async throws {
        let backend = MemoryBackend()
        let committer = GroupCommitter(runner: backend, clock: FixedClock(), signer: Self.signer)
        let answered = await Self.submitConcurrently(committer)
        #expect(answered.count == 40)
        #expect(answered.filter { !$0.value }.keys.sorted() == [4, 9, 14, 19, 24, 29, 34, 39])
        let tables = backend.tables
        #expect(tables.entries.count == 32)  // 40 appends, 8 rolled back with their savepoints
        #expect(backend.commits < 40, "requests arriving during a commit join the next one")
        // One checkpoint per commit that appended, the last over all 32 entries.
        #expect(tables.checkpoints.count <= backend.commits)
        #expect(tables.checkpoints.keys.max() == 32)
        let leaves = (0..<Int64(32)).compactMap { tables.entries[$0]?.leafHash }
        let expectedRoot = InMemoryMerkleTree(leafHashes: leaves).rootHash
        let note = try SignedNote(parsing: try #require(tables.checkpoints[32]))
        _ = try note.verify(using: [Self.signer.verifier])
        let checkpoint = try Checkpoint(parsing: note.text)
        #expect(checkpoint.rootHash == expectedRoot)
        #expect(checkpoint.origin == "engine.test")
    }

    /// A request past its deadline is cancelled: its job, still waiting for a group, is
    /// dropped and writes nothing; a job whose group has begun runs to the end.
    @Test func aCallerCancelledBeforeItsGroupWritesNothingAndOneWhoseGroupBeganCompletes() async throws {
        let backend = MemoryBackend()
        let committer = GroupCommitter(runner: backend, clock: FixedClock(), signer: Self.signer)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let running = Task {
            try await committer.submit { statements, now in
                started.signal()
                release.wait()  // the group is inside its transaction until released
                var log = try LogAppender(statements)
                try log.append(statements, event: Self.asset("USD"), balances: [], by: .system, at: now)
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        let waiting = Task {
            try await committer.submit { statements, now in
                var log = try LogAppender(statements)
                try log.append(statements, event: Self.asset("EUR"), balances: [], by: .system, at: now)
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        running.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        release.signal()
        try await running.value
        let tables = backend.tables
        #expect(tables.entries.count == 1)
        #expect(tables.entries[0]?.subject == "asset:USD")
    }

    @Test func entriesChainToTheirPredecessor() async throws {
        let backend = MemoryBackend()
        let committer = GroupCommitter(runner: backend, clock: FixedClock(), signer: Self.signer)
        for code in ["USD", "EUR"] {
            try await committer.submit { statements, now in
                var log = try LogAppender(statements)
                try log.append(statements, event: Self.asset(code), balances: [], by: .system, at: now)
            }
        }
        let tables = backend.tables
        let first = try #require(tables.entries[0])
        let second = try #require(tables.entries[1])
        #expect(first.subject == "asset:USD" && second.subject == "asset:EUR")
        let text = String(decoding: second.bytes, as: UTF8.self)
        #expect(text.contains(first.leafHash.base64EncodedString))
        #expect(tables.checkpoints.keys.sorted() == [1, 2])
    }

    @Test func anIdempotencyKeyReplaysTheSameRequestAndRefusesAnother() async throws {
        let backend = MemoryBackend()
        let committer = GroupCommitter(runner: backend, clock: FixedClock(), signer: Self.signer)
        let same = [UInt8](repeating: 1, count: 32)
        func write(_ fingerprint: [UInt8], value: Int) async throws -> IdempotentWrite.Result<Int> {
            try await committer.submit { statements, now in
                let result = try IdempotentWrite.run(
                    statements, key: ("k-1", fingerprint), at: now,
                    render: { (status: 201, body: Array("v\($0)".utf8)) }, { value }
                )
                return Answer(result)
            }.result
        }
        guard case .applied(7) = try await write(same, value: 7) else { Issue.record("first use applies"); return }
        guard case .replayed(let record) = try await write(same, value: 8) else {
            Issue.record("the same request replays"); return
        }
        #expect(record == IdempotencyRecord(fingerprint: same, status: 201, body: Array("v7".utf8)))
        await #expect(throws: Rejection.idempotencyKeyReused(key: "k-1")) {
            _ = try await write([UInt8](repeating: 2, count: 32), value: 9)
        }
        #expect(backend.tables.idempotency.count == 1)
    }

    /// A sendable carrier for the idempotent result of a submitted job.
    struct Answer: @unchecked Sendable {
        let result: IdempotentWrite.Result<Int>
        init(_ result: IdempotentWrite.Result<Int>) { self.result = result }
    }

    @Test(arguments: [
        (JSONValue.object(["pledge_id": .null]), ["metadata.pledge_id"]),
        (JSONValue.object(["pledge_id": .string("p"), "cash_adjustment_id": .integer(1), "note": .string("x")]),
         ["metadata.pledge_id", "metadata.cash_adjustment_id"]),
        (JSONValue.object(["note": .null]), []),
    ])
    func reservedMetadataKeysAreRefusedWhateverTheirValue(metadata: JSONValue, fields: [String]) {
        #expect(ReservedMetadata.problems(in: metadata).map(\.field) == fields)
        let draft = TransactionDraft(date: "2026-11-20", metadata: metadata, postings: [
            PostingDraft(account: "assets:bank", asset: "USD", amount: 5),
            PostingDraft(account: "income:gifts", asset: "USD", amount: -5),
        ])
        do {
            _ = try RawTransactionRule.checked(draft)
            #expect(fields.isEmpty)
        } catch {
            #expect(error == .invalidFields(fields.map {
                FieldProblem(field: $0, detail: "is reserved for the fund's own steps")
            }))
        }
    }

    @Test func ownershipNeedsAnID() {
        #expect(ReservedMetadata.owningStep(of: .object(["disbursement_id": .string("d")])) == "disbursement")
        #expect(ReservedMetadata.owningStep(of: .object(["pledge_id": .null])) == nil)
    }
}
