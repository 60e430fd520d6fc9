// Goal: an attacker with write access to the database file (simulated by dropping the
// triggers, then editing by hand) cannot change the books unnoticed: each tampering below
// makes `verify` fail, naming what differs.
import AuditLog
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct TamperTests {
    /// One attack: SQL run with the triggers dropped.
    struct Attack: Sendable, CustomTestStringConvertible {
        let name: String
        let sql: String
        var testDescription: String { name }
    }

    static let dropTriggers = TestSQL.withoutTriggers([
        "postings_are_immutable_update", "transactions_are_immutable_update", "log_entries_are_immutable_update",
        "log_entries_are_never_deleted", "log_checkpoints_are_immutable_update", "log_nodes_are_never_deleted",
        "log_entries_are_dense", "log_checkpoints_are_never_deleted",
    ])

    /// `UPDATE log_entries` replacing `old` by `new` in the bytes of entry `index`.
    static func rewriteEntry(_ index: Int64, _ old: String, _ new: String) -> String {
        "UPDATE log_entries SET data = \(TestSQL.bytes("replace(\(TestSQL.text("data")), '\(old)', '\(new)')")) "
            + "WHERE idx = \(index);"
    }

    static let attacks: [Attack] = [
        Attack(name: "change a posting amount", sql: """
            UPDATE postings SET amount = amount + 100 WHERE transaction_seq = 2 AND position = 0;
            UPDATE postings SET amount = amount - 100 WHERE transaction_seq = 2 AND position = 1;
            """),
        Attack(name: "change an entry's bytes", sql: rewriteEntry(8, #""amount":40000"#, #""amount":40001"#)),
        Attack(name: "delete the last entry", sql: "DELETE FROM log_entries WHERE idx = (SELECT max(idx) FROM log_entries);"),
        Attack(name: "delete an entry in the middle", sql: "DELETE FROM log_entries WHERE idx = 6;"),
        Attack(name: "swap two entries", sql: """
            UPDATE log_entries SET idx = 1000000 WHERE idx = 7;
            UPDATE log_entries SET idx = 7 WHERE idx = 8;
            UPDATE log_entries SET idx = 8 WHERE idx = 1000000;
            """),
        Attack(name: "change a description in the ledger tables only", sql: """
            UPDATE transactions SET description = 'Contribution (edited)' WHERE seq = 3;
            """),
        Attack(name: "alter a stored checkpoint", sql: """
            UPDATE log_checkpoints SET note = replace(note, 'test.commons-ledger' || \(TestSQL.newline) || '10' || \(TestSQL.newline),
                'test.commons-ledger' || \(TestSQL.newline) || '9' || \(TestSQL.newline)) WHERE tree_size = 10;
            """),
        Attack(name: "move a genuine checkpoint to another tree size", sql: """
            DELETE FROM log_checkpoints WHERE tree_size = 10;
            UPDATE log_checkpoints SET tree_size = 10 WHERE tree_size = 9;
            """),
        Attack(name: "delete a stored Merkle node", sql: """
            DELETE FROM log_nodes WHERE level = 1 AND idx = 6;
            """),
        Attack(name: "change a stored Merkle node", sql: """
            \(TestSQL.withoutTriggers(["log_nodes_are_immutable_update"]))
            UPDATE log_nodes SET hash = \(TestSQL.zeroBytes(32)) WHERE level = 2 AND idx = 1;
            """),
        Attack(name: "change a daily closing", sql: """
            UPDATE balance_days SET closing = closing + 1
            WHERE (account_seq, asset, date) = (SELECT account_seq, asset, date FROM balance_days ORDER BY account_seq, asset, date LIMIT 1);
            """),
        Attack(name: "delete a daily closing", sql: """
            DELETE FROM balance_days
            WHERE (account_seq, asset, date) = (SELECT account_seq, asset, date FROM balance_days ORDER BY account_seq, asset, date LIMIT 1 OFFSET 1);
            """),
        Attack(name: "add a daily closing without postings", sql: """
            INSERT INTO balance_days (account_seq, asset, date, day_change, closing)
            SELECT account_seq, asset, '2099-01-01', 0, closing FROM balance_days ORDER BY account_seq, asset, date DESC LIMIT 1;
            """),
        Attack(name: "change a current balance", sql: """
            UPDATE balances SET balance = balance + 1 WHERE asset = 'USD' AND balance > 0;
            """),
        Attack(name: "change a posting's running sum within its day", sql: """
            UPDATE postings SET day_running = day_running + 1 WHERE transaction_seq = 2 AND position = 0;
            """),
    ]

    @Test(arguments: attacks)
    func verifyCatches(_ attack: Attack) async throws {
        let ledger = try await AuditLogStoreTests.populated()
        _ = try await ledger.verify() // untouched, it passes
        try ledger.shell(Self.dropTriggers + attack.sql)
        await #expect(throws: AuditFailure.self, "\(attack.name) was not detected") { try await ledger.verify() }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "the parsing threads are the SQLite file's verifier's"), arguments: [Int64(300), 530, 700])
    func aBadEntryInAnyParsingThreadsChunkIsTheOneReported(index: Int64) async throws {
        // Entries are parsed in chunks of 256 by two threads in turn (300 and 700 fall to
        // the second, 530 to the first); the first bad index is reported whichever.
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)])
        let draft = TransactionDraft(date: "2026-11-20", description: "Contribution", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 40_000),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -40_000),
        ])
        _ = try await ledger.store.recordTransactions(Array(repeating: (draft, nil), count: 800), atomic: false, by: .system)
        #expect(try await ledger.verify().entries > 800)
        try ledger.shell(Self.dropTriggers + [index, index + 40].map {
            Self.rewriteEntry($0, #""amount":40000"#, #""amount":40001"#)
        }.joined(separator: "\n"))
        let failure = await #expect(throws: AuditFailure.self) { try await ledger.verify() }
        #expect(failure?.index == index)
        #expect(failure?.detail.contains("leaf hash") == true)
    }

    @Test func anEntryRewrittenWithItsLeafHashIsCaughtByTheChain() async throws {
        let ledger = try await AuditLogStoreTests.populated()
        let entry = try #require(await ledger.store.logEntries(start: 8, end: 9, limit: 1).entries.first)
        let altered = Array(String(decoding: entry.data, as: UTF8.self).replacingOccurrences(of: "Contribution", with: "Contributiom").utf8)
        let hash = MerkleHash.leafHash(altered).hexEncodedString
        let data = altered.map { String(format: "%02x", $0) }.joined()
        try ledger.shell(Self.dropTriggers + """
            UPDATE log_entries SET data = \(TestSQL.bytes(hex: data)), leaf_hash = \(TestSQL.bytes(hex: hash)) WHERE idx = 8;
            UPDATE transactions SET description = 'Contributiom' WHERE id = (SELECT id FROM transactions WHERE seq = 2);
            """)
        await #expect(throws: AuditFailure.self) { try await ledger.verify() }
    }

    @Test func aRehashedForgedLogIsCaughtByASavedCheckpoint() async throws {
        // The auditor saved the genuine log's checkpoint earlier.
        let genuine = try await AuditLogStoreTests.populated()
        let saved = try #require(await genuine.store.checkpoints(page: PageRequest(limit: 100, cursor: nil)).items.first { $0.treeSize == 10 })

        // An insider with the signing key rebuilds a whole different history: every hash,
        // node and checkpoint is internally consistent and properly signed.
        let forged = try await TestLedger()
        try await forged.seed(
            assets: [("USD", 2), ("EUR", 2)],
            accounts: [
                ("assets:bank:usd", "asset", "no_negative"), ("assets:bank:eur", "asset", "no_negative"),
                ("income:contributions", "income", nil), ("expenses:grants", "expense", nil), ("expenses:unused", "expense", nil),
            ]
        )
        for (index, amount) in [125_000, 4_000, 9_900, 310_000].enumerated() {
            forged.clock.advance(microseconds: 1_000_000)
            _ = try await forged.store.recordTransaction(TransactionDraft(date: "2026-11-1\(index)", description: "Contribution", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: Int64(amount)),
                PostingDraft(account: "income:contributions", asset: "USD", amount: -Int64(amount)),
            ]), by: .system, idempotency: nil)
        }
        _ = try await forged.verify() // consistent on its own
        await #expect(throws: AuditFailure.self) { try await forged.verify(since: saved.note) }
        // The genuine log is consistent with its own saved checkpoint.
        _ = try await genuine.verify(since: saved.note)
    }

    @Test func anEditedMemberOrFundIsCaught() async throws {
        for sql in [
            TestSQL.withoutTriggers(["members_are_immutable_update"]) + "UPDATE members SET region = 'Elsewhere';",
            TestSQL.withoutTriggers(["funds_are_immutable_update"]) + "UPDATE funds SET name = 'Renamed';",
        ] {
            let ledger = try await TestLedger()
            try await ledger.seed(assets: [("USD", 2)], accounts: [])
            _ = try await ledger.store.registerMember(MemberDraft(name: "Union", kind: "union", country: "KE", region: "East Africa", visibility: "public"), by: .system, idempotency: nil)
            _ = try await ledger.store.createFund(FundDraft(code: "climate", name: "Climate", assets: ["USD"]), by: .system, idempotency: nil)
            _ = try await ledger.verify()
            try ledger.shell(sql)
            await #expect(throws: AuditFailure.self, "\(sql) was not detected") { try await ledger.verify() }
        }
    }

    /// One re-encoding: the table and column, the row's id, and the text as written.
    struct ReEncoding: Sendable, CustomTestStringConvertible {
        let name: String
        let table: String
        let column: String
        let trigger: String
        var testDescription: String { name }
    }

    static let reEncodings = [
        ReEncoding(
            name: "a transaction description", table: "transactions", column: "description",
            trigger: "transactions_are_immutable_update"
        ),
        ReEncoding(
            name: "a member's public name", table: "members", column: "public_name",
            trigger: "members_are_immutable_update"
        ),
    ]

    /// Text stored NFC, as a client sent it; its NFD form is canonically equivalent (Swift's
    /// `==` holds) but other bytes, so a report, an export or a hash over it changes.
    static let composedText = "Coop\u{E9}rative S\u{E9}n\u{E9}gal \u{2014} caf\u{E9}"

    @Test(arguments: reEncodings)
    func textReEncodedAsNFDInTheTablesIsCaught(_ reEncoding: ReEncoding) async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:gifts", "income", nil)]
        )
        let draft = TransactionDraft(date: "2026-11-20", description: Self.composedText, postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 12_500),
            PostingDraft(account: "income:gifts", asset: "USD", amount: -12_500),
        ])
        guard case .applied(let transaction) = try await ledger.store.recordTransaction(
            draft, by: .system, idempotency: nil
        ) else { throw ErasureVerifyTests.FixtureFailure() }
        let member = MemberDraft(
            name: Self.composedText, kind: "union", country: "SN", region: "Dakar", visibility: "public"
        )
        guard case .applied(let registered) = try await ledger.store.registerMember(
            member, by: .system, idempotency: nil
        ) else { throw ErasureVerifyTests.FixtureFailure() }
        _ = try await ledger.verify()  // untouched, it passes

        let decomposed = Self.composedText.decomposedStringWithCanonicalMapping
        #expect(decomposed == Self.composedText)  // equal to Swift's `==` …
        #expect(Array(decomposed.utf8) != Array(Self.composedText.utf8))  // … but not the same bytes
        let id = reEncoding.table == "members" ? registered.member.id.rawValue : transaction.id.rawValue
        let hex = decomposed.utf8.map { String(format: "%02x", $0) }.joined()
        try ledger.shell(TestSQL.withoutTriggers([reEncoding.trigger]) + """
            UPDATE \(reEncoding.table) SET \(reEncoding.column) = \(TestSQL.text(hex: hex)) WHERE id = '\(id)';
            """)
        let stored = try ledger.scalar(
            "SELECT \(TestSQL.hex(ofText: reEncoding.column)) FROM \(reEncoding.table) WHERE id = '\(id)';"
        )
        #expect(stored == hex.uppercased(), "the attack did not re-encode \(reEncoding.name)")
        await #expect(throws: AuditFailure.self, "\(reEncoding.name) re-encoded as NFD was not detected") {
            try await ledger.verify()
        }
    }

    /// One edit of private data: SQL run with the private table's triggers dropped, and a
    /// query that must answer "1" afterwards, so an attack that changed nothing fails.
    struct PrivateEdit: Sendable, CustomTestStringConvertible {
        let name: String
        let sql: String
        let check: String
        var testDescription: String { name }
    }

    /// The private `data` column as text.
    static let dataText = TestSQL.text("data")

    /// The private `data` with `old` replaced by `new`, as bytes.
    static func replaced(_ old: String, _ new: String) -> String {
        TestSQL.bytes("replace(\(dataText), '\(old)', '\(new)')")
    }

    static let privateEdits: [PrivateEdit] = [
        PrivateEdit(
            name: "an anonymous member's contact changed",
            sql: """
                \(TestSQL.withoutTriggers(["member_private_is_immutable"]))
                UPDATE member_private
                SET data = \(replaced("+221 77 000 0001", "+221 77 999 9999"));
                """,
            check: "SELECT count(*) FROM member_private WHERE \(dataText) LIKE '%+221 77 999 9999%';"
        ),
        PrivateEdit(
            name: "an anonymous member's region changed",
            sql: """
                \(TestSQL.withoutTriggers(["member_private_is_immutable"]))
                UPDATE member_private
                SET data = \(replaced("West Africa", "East Africa"));
                """,
            check: "SELECT count(*) FROM member_private WHERE \(dataText) LIKE '%East Africa%';"
        ),
        PrivateEdit(
            name: "a beneficiary's name changed",
            sql: """
                \(TestSQL.withoutTriggers(["beneficiary_private_is_immutable"]))
                UPDATE beneficiary_private
                SET data = \(replaced("Amara Okonkwo", "Someone Else"));
                """,
            check: "SELECT count(*) FROM beneficiary_private WHERE \(dataText) LIKE '%Someone Else%';"
        ),
        PrivateEdit(
            name: "a member's private data deleted without a recorded erasure",
            sql: """
                \(TestSQL.withoutTriggers(["member_private_delete_needs_erasure"]))
                DELETE FROM member_private WHERE \(dataText) LIKE '%West Africa%';
                """,
            check: "SELECT CASE count(*) WHEN 0 THEN 1 ELSE 0 END FROM member_private WHERE \(dataText) LIKE '%West Africa%';"
        ),
        PrivateEdit(
            name: "an erased beneficiary's name put back",
            sql: """
                INSERT INTO beneficiary_private (disbursement_id, salt, data)
                SELECT disbursement_id, \(TestSQL.zeroBytes(32)), \(TestSQL.bytes(#"'{"name":"Kofi Mensah"}'"#)) FROM beneficiary_erasures;
                """,
            check: "SELECT count(*) FROM beneficiary_private WHERE \(dataText) LIKE '%Kofi Mensah%';"
        ),
        PrivateEdit(
            name: "a private row slipped in for a member the log never registered",
            sql: TestSQL.withoutTriggers([]) + """
                INSERT INTO member_private (member_id, salt, data)
                VALUES (
                    'mem_00000000000000000000000000000000', \(TestSQL.zeroBytes(32)), \(TestSQL.bytes(#"'{"contact":{},"name":"Ghost"}'"#))
                );
                """,
            check: "SELECT count(*) FROM member_private WHERE \(dataText) LIKE '%Ghost%';"
        ),
    ]

    /// Two anonymous members with contacts and two grants to named beneficiaries; one of
    /// each erased, so an erasure is part of the book every edit is tried on.
    static func privateBook() async throws -> TestLedger {
        let ledger = try await TestLedger()
        let store = ledger.store
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        _ = try await store.createFund(
            FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil
        )
        var members: [MemberID] = []
        for (name, region, phone) in [("Secret Sisters", "West Africa", "1"), ("Quiet Circle", "Sahel", "2")] {
            let draft = MemberDraft(
                name: name, kind: "community", country: "SN", region: region, visibility: "anonymous",
                contact: .object(["phone": .string("+221 77 000 000\(phone)")])
            )
            guard case .applied(let member) = try await store.registerMember(draft, by: .system, idempotency: nil)
            else { throw ErasureVerifyTests.FixtureFailure() }
            members.append(member.member.id)
        }
        var grants: [DisbursementID] = []
        for name in ["Amara Okonkwo", "Kofi Mensah"] {
            let request = DisbursementDraft(
                fundID: "health", memberID: nil, beneficiary: name, asset: "USD", amount: 1_000, purpose: "Oxygen"
            )
            guard case .applied(let grant) = try await store.requestDisbursement(request, by: .system, idempotency: nil)
            else { throw ErasureVerifyTests.FixtureFailure() }
            grants.append(grant.disbursement.id)
        }
        _ = try await store.erasePrivateData(of: members[1], by: .system)
        _ = try await store.eraseBeneficiary(of: grants[1], by: .system)
        return ledger
    }

    @Test func anUntouchedBookWithPrivateDataAndErasuresVerifies() async throws {
        let ledger = try await Self.privateBook()
        let report = try await ledger.verify()
        #expect(report.entries > 0)
        let rows = try ledger.scalar(
            "SELECT (SELECT count(*) FROM member_private) || ',' || (SELECT count(*) FROM beneficiary_private);"
        )
        #expect(rows == "1,1")
    }

    @Test(arguments: privateEdits)
    func editedPrivateDataIsCaught(_ edit: PrivateEdit) async throws {
        let ledger = try await Self.privateBook()
        _ = try await ledger.verify()  // untouched, it passes
        try ledger.shell(edit.sql)
        #expect(try ledger.scalar(edit.check) == "1", "\(edit.name) changed nothing")
        let failure = await #expect(throws: AuditFailure.self, "\(edit.name) was not detected") { try await ledger.verify() }
        let table = edit.sql.contains("beneficiary_private") ? "beneficiary_private" : "member_private"
        #expect(failure?.detail.contains(table) == true, "\(failure?.detail ?? "") names no \(table)")
    }

    @Test func aForeignKeyIsRefused() async throws {
        let ledger = try await AuditLogStoreTests.populated()
        let stranger = try LogSigner.generate(origin: "test.commons-ledger")
        await #expect(throws: AuditFailure.self) { try await ledger.verify(verifierKeys: [stranger.verifierKey]) }
    }
}
