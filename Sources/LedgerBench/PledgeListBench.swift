import ArgumentParser
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import Logging

/// Times one page of `GET /v1/pledges?status=…` through the store on a book of many pledges
/// (`ledger-bench --pledges N`): a status filter should cost what its page costs, not one
/// derivation per pledge in the book (the review measured 0.15 s at 8,600 pledges).
///
/// The book: one fund, 100 members, `pledges` pledges due in 2099 (so open), every
/// `paidEvery`-th paid in full; nothing cancelled, so `status=cancelled` is the worst case
/// (no match: the whole book is looked at to answer an empty page).
struct PledgeListBench {
    let database: String
    let pledges: Int
    let paidEvery: Int
    let pageSize: Int

    func run() async throws {
        let keyPath = LogSigner.defaultPath(besideDatabase: database)
        let store = try SQLiteLedgerStore(
            path: database, clock: SystemClock(), identifiers: SystemIdentifierSource(),
            signer: try LogSigner.loadOrCreate(path: keyPath, origin: "bench").signer, logger: Logger(label: "bench")
        )
        try store.migrate()
        try await seed(store)
        print("book: \(pledges) pledges, 1 in \(paidEvery) paid, page of \(pageSize) (best of 5, through the store)")
        let states: [PledgeStatus.State?] = [nil, .paid, .open, .overdue, .cancelled]
        for state in states {
            let (best, count) = try await timeFirstPage(store, state: state)
            let label = state.map { "status=\($0.rawValue)" } ?? "no status filter"
            let padded = label.padding(toLength: 20, withPad: " ", startingAt: 0)
            print("pledges \(padded) " + String(format: "%8.2f ms  (%d on the page)", best, count))
        }
        try store.close()
    }

    /// The fund, the members, then the pledges from 8 concurrent writers (group commit).
    private func seed(_ store: SQLiteLedgerStore) async throws {
        _ = try await store.registerAsset(AssetDraft(code: "USD", scale: 2), by: .system, idempotency: nil)
        let fund = FundDraft(code: "bench", name: "Bench fund", assets: ["USD"])
        _ = try await store.createFund(fund, by: .system, idempotency: nil)
        var members: [String] = []
        for index in 0..<100 {
            let draft = MemberDraft(
                name: "Member \(index)", kind: "union", country: "KE", region: "East Africa", visibility: "public"
            )
            guard case .applied(let view) = try await store.registerMember(draft, by: .system, idempotency: nil) else {
                throw ValidationError("member registration did not apply")
            }
            members.append(view.member.id.rawValue)
        }
        let writers = 8
        let memberIDs = members
        let pledges = pledges
        let paidEvery = paidEvery
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in stride(from: writer, to: pledges, by: writers) {
                        let member = memberIDs[index % memberIDs.count]
                        try await Self.pledge(store, member: member, paid: index % paidEvery == paidEvery - 1)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One pledge of 100.00 due in 2099, and when `paid` a contribution paying it in full.
    private static func pledge(_ store: SQLiteLedgerStore, member: String, paid: Bool) async throws {
        let draft = PledgeDraft(
            memberID: member, fundID: "bench", asset: "USD", amount: 10_000, dueDate: "2099-12-31", date: "2026-01-01"
        )
        guard case .applied(let pledge) = try await store.makePledge(draft, by: .system, idempotency: nil) else {
            throw ValidationError("pledge did not apply")
        }
        guard paid else { return }
        let gift = ContributionDraft(
            memberID: member, fundID: "bench", asset: "USD", amount: 10_000, date: "2026-02-01",
            pledgeID: pledge.pledge.id.rawValue
        )
        _ = try await store.recordContribution(gift, by: .system, idempotency: nil)
    }

    /// The best of five timings of the first page, in milliseconds, and its length.
    private func timeFirstPage(_ store: SQLiteLedgerStore, state: PledgeStatus.State?) async throws -> (Double, Int) {
        let clock = ContinuousClock()
        var best = Double.infinity
        var count = 0
        for _ in 0..<5 {
            let began = clock.now
            let page = try await store.pledges(
                filter: PledgeFilter(state: state), page: PageRequest(limit: pageSize, cursor: nil)
            )
            let took = clock.now - began
            best = min(best, Double(took.components.seconds) * 1e3 + Double(took.components.attoseconds) / 1e15)
            count = page.items.count
        }
        return (best, count)
    }
}
