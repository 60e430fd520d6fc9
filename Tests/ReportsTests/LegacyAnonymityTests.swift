// Goal: logs written before anonymous members' kind, country and region became private
// hold them in clear, and the log is immutable: readers still read those entries, but
// public reports never show an anonymous member's profile, whatever the entry holds
// (auditors still see it). Entries are written by hand here, in the old shape.
import AuditLog
import FundCore
import LedgerCore
import Reports
import Testing

@Suite struct LegacyAnonymityTests {
    static let fund = "fnd_00000000000000000000000000000001"
    static let hidden = "mem_00000000000000000000000000000002"
    static let named = "mem_00000000000000000000000000000003"

    /// A fund, an anonymous member registered the old way (kind, country and region in
    /// clear), a public member, and a gift from each.
    static func entries() throws -> [LogEntry] {
        let time = try #require(Timestamp("2026-01-01T00:00:00.000000Z"))
        func member(_ id: String, _ kind: String, _ country: String, _ region: String, visibility: String, name: String?) -> FundAction {
            FundAction(kind: .memberRegistered, subject: id, details: .object([
                "id": .string(id), "kind": .string(kind), "country": .string(country), "region": .string(region),
                "visibility": .string(visibility), "name": name.map(JSONValue.string) ?? .null, "pseudonym": .string(MemberID(id)!.pseudonym),
                "private_data_commitment": .string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "registered_at": .string(time.description),
            ]), accountsOpened: [], transaction: nil)
        }
        func gift(_ id: String, _ amount: Int64) -> FundAction {
            let contribution = "ctb_0000000000000000000000000000000\(amount % 10)"
            return FundAction(kind: .contributionReceived, subject: contribution, details: .object([
                "id": .string(contribution), "member_id": .string(id), "fund_id": .string(fund), "asset": .string("USD"),
                "amount": .integer(amount), "date": .string("2026-01-01"), "pledge_id": .null,
                "created_at": .string(time.description),
            ]), accountsOpened: [], transaction: nil)
        }
        let actions = [
            FundAction(kind: .fundCreated, subject: fund, details: .object([
                "id": .string(fund), "code": .string("relief"), "name": .string("Relief"), "assets": .array([.string("USD")]),
                "two_approvals_above": .object([:]), "created_at": .string(time.description),
            ]), accountsOpened: [], transaction: nil),
            member(hidden, "community", "SN", "West Africa", visibility: "anonymous", name: nil),
            member(named, "union", "KE", "East Africa", visibility: "public", name: "Dockworkers Union"),
            gift(hidden, 1_001), gift(named, 2_002),
        ]
        return actions.enumerated().map { index, action in
            LogEntry(index: Int64(index), recordedAt: time, event: .fundAction(action), previousHash: index == 0 ? nil : "x", balances: [], principal: .system)
        }
    }

    static func report(_ audience: ReportParameters.Audience) throws -> Report {
        var book = ReportBook(asOf: nil, from: nil)
        for entry in try entries() { try book.apply(entry) }
        let signer = try NoteSigner(name: try NoteKeyName("test.commons-ledger"), seed: Array(repeating: 1, count: 32))
        let body = try Checkpoint(origin: "test.commons-ledger", treeSize: book.entryCount, rootHash: MerkleHash.emptyTreeHash).body
        let note = try SignedNote.sign(text: body, signers: [signer]).message
        return try ReportComputer.compute(
            ReportParameters(name: .reciprocity, audience: audience), book: book, checkpoint: try CheckpointReference(note: note)
        )
    }

    @Test func publicReportsHideTheProfileAnOldEntryHoldsInClear() throws {
        let report = try Self.report(.public)
        let text = report.content.canonicalText
        #expect(!text.contains("West Africa"))
        #expect(!text.contains("community"))
        let rows = report.rows("members")
        #expect(rows.first { $0["member_id"] == .string(Self.hidden) }?["region"] == "(undisclosed)")
        #expect(rows.first { $0["member_id"] == .string(Self.hidden) }?["kind"] == "(undisclosed)")
        #expect(rows.first { $0["member_id"] == .string(Self.named) }?["region"] == "East Africa")
        #expect(report.rows("regions").map { [$0["region"], $0["members"], $0["contributed"]] } == [["(undisclosed)", 1, 1_001], ["East Africa", 1, 2_002]])
    }

    @Test func auditorsStillSeeIt() throws {
        let report = try Self.report(.auditor)
        #expect(report.rows("members").first { $0["member_id"] == .string(Self.hidden) }?["region"] == "West Africa")
        #expect(report.rows("regions").map { $0["region"] } == ["East Africa", "West Africa"])
    }
}
