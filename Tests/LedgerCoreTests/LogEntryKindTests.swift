// Goal: the closed list of log-entry kinds is the log's format: its spellings are fixed
// (written out here, not derived), the ledger's and the fund's are told apart, and an
// entry of any other kind does not read.
import LedgerCore
import Testing

@Suite struct LogEntryKindTests {
    @Test func theKindsAreSpelledAsTheLogHasAlwaysSpelledThem() {
        #expect(LogEntryKind.allCases.map(\.rawValue) == [
            "asset.registered", "account.opened", "account.closed", "transaction.recorded", "transaction.reversed",
            "key.created", "key.revoked", "log_key.rotated", "member.registered", "member.private_data_erased",
            "fund.created",
            "pledge.made", "pledge.cancelled", "contribution.received", "disbursement.requested",
            "disbursement.approved", "disbursement.rejected", "disbursement.paid", "disbursement.cancelled",
            "disbursement.beneficiary_erased", "conversion.recorded", "fx_rate.recorded", "cash_adjustment.requested",
            "cash_adjustment.approved", "cash_adjustment.rejected", "period.closed",
            "disbursement.hold_expired",
        ])
    }

    @Test func onlyTheLedgersOwnEightAreNotFundSteps() {
        #expect(LogEntryKind.allCases.filter { !$0.isFundStep } == [
            .assetRegistered, .accountOpened, .accountClosed, .transactionRecorded, .transactionReversed, .keyCreated,
            .keyRevoked, .logKeyRotated,
        ])
    }

    @Test(arguments: ["pledge.renamed", "Pledge.Made", "", "asset"])
    func anEntryOfAnotherKindDoesNotRead(kind: String) {
        let entry = JSONValue.object([
            "version": .integer(LogEntry.formatVersion), "index": .integer(0),
            "recorded_at": .string("2026-12-05T00:00:00.000000Z"), "kind": .string(kind),
            "payload": .object(["details": .object(["id": .string("x")])]), "previous_hash": .null,
            "principal": Principal.system.json, "balances": .array([]),
        ])
        #expect(throws: LogEntryError.malformed("unknown entry kind \(kind)")) { try LogEntry(json: entry) }
    }
}
