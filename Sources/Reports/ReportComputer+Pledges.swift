import FundCore
import LedgerCore

/// Member statements and pledge fulfilment: what was promised, paid, written off and is
/// overdue, per member and per group.
extension ReportComputer {
    /// The members the report covers, in region, name and id order.
    func sortedMembers() -> [MemberFacts] {
        book.members.values.map { ($0, shownProfile($0).region, displayName($0)) }
            .sorted { ($0.1, $0.2, $0.0.id.rawValue) < ($1.1, $1.2, $1.0.id.rawValue) }.map(\.0)
    }

    /// The pledges of the report's fund.
    func includedPledges() -> [PledgeFacts] {
        book.pledges.values.filter { includes($0.fundID) }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    mutating func memberStatements() throws(ReportError) -> Parts {
        guard let day = book.reportDate else { return try emptyStatements() }
        // Per member and asset: pledged, paid, written off, outstanding, overdue, given, received.
        var figures: [MemberID: [AssetCode: [Int64]]] = [:]
        for pledge in includedPledges() {
            try Self.accumulate(
                [pledge.amount, pledge.paid, pledge.writtenOff, pledge.outstanding, pledge.overdue(on: day), 0, 0],
                into: &figures[pledge.memberID, default: [:]], asset: pledge.asset
            )
        }
        for (key, amount) in book.contributions where includes(key.fundID) {
            try Self.accumulate(
                [0, 0, 0, 0, 0, amount, 0], into: &figures[key.memberID, default: [:]], asset: key.asset)
        }
        for grant in book.disbursements.values where includes(grant.fundID) && grant.paidAt != nil {
            guard let member = grant.memberID else { continue }
            try Self.accumulate(
                [0, 0, 0, 0, 0, 0, grant.amount], into: &figures[member, default: [:]], asset: grant.asset)
        }
        var table = ReportTable(
            name: "statements", title: "Member statements",
            columns: [
                .init("member", "Member", .text), .init("member_id", "Member id", .text), .init("kind", "Kind", .text),
                .init("region", "Region", .text), .init("country", "Country", .text), .init("asset", "Asset", .text),
                .init("pledged", "Pledged", .amount), .init("paid", "Paid on pledges", .amount),
                .init("written_off", "Written off", .amount),
                .init("outstanding", "Outstanding", .amount), .init("overdue", "Overdue", .amount),
                .init("given", "Given (all contributions)", .amount),
                .init("received", "Received (grants paid)", .amount),
            ])
        var members = sortedMembers()
        if let wanted = parameters.member {
            guard let id = MemberID(wanted), book.members[id] != nil else {
                throw .unknown("no member \(wanted) in the log up to this checkpoint")
            }
            members = members.filter { $0.id == id }
        }
        for member in members {
            guard let bag = figures[member.id] else { continue }
            let profile = shownProfile(member)
            for (asset, values) in try normalize(bag, moneyCount: 7).sorted(by: { $0.key < $1.key }) {
                table.append(
                    [
                        .string(displayName(member)), .string(member.id.rawValue), .string(profile.kind),
                        .string(profile.region), .string(profile.country), .string(asset.rawValue),
                    ] + values.map(JSONValue.integer))
            }
        }
        let dueNext = dueNextTable(members: members)
        let notes = [
            "Pledged: pledges dated on or before \(day). Paid: what contributions moved off each pledge's receivable; "
                + "an excess kept as unpledged income counts in given only. Outstanding = pledged − paid − written "
                + "off. Overdue: instalments due on or before \(day) and not yet paid or written off.",
            "Anonymous members are shown by pseudonym in public reports and counted in every figure; "
                + "their kind, country and region are not disclosed there (\"\(Member.Profile.undisclosed)\").",
        ]
        return (
            [
                "members": .integer(Int64(members.count)),
                "members_with_activity": .integer(Int64(members.filter { figures[$0.id] != nil }.count)),
            ], [table, dueNext], notes + [
                "Due next: per pledge with something outstanding, the first instalment (in date order) not yet "
                    + "covered by what was paid and written off, and what is left of it; a date before \(day) is "
                    + "overdue.",
            ]
        )
    }

    /// What each listed member owes next, per open pledge, in due date and pledge order.
    func dueNextTable(members: [MemberFacts]) -> ReportTable {
        var table = ReportTable(
            name: "due_next", title: "Due next",
            columns: [
                .init("member", "Member", .text), .init("member_id", "Member id", .text),
                .init("pledge_id", "Pledge", .text), .init("asset", "Asset", .text),
                .init("due_date", "Due", .date), .init("amount", "Amount due", .amount),
                .init("outstanding", "Outstanding", .amount),
            ])
        let listed = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0) })
        var rows: [(LocalDate, String, [JSONValue])] = []
        for pledge in includedPledges() {
            guard let member = listed[pledge.memberID],
                let next = Pledge.nextDue(
                    pledge.instalments.map { ($0.dueDate, $0.amount) }, covered: pledge.paid + pledge.writtenOff)
            else { continue }
            rows.append((next.dueDate, pledge.id.rawValue, [
                .string(displayName(member)), .string(member.id.rawValue), .string(pledge.id.rawValue),
                .string(pledge.asset.rawValue), .string(next.dueDate.description), .integer(next.amount),
                .integer(pledge.outstanding),
            ]))
        }
        for row in rows.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { table.append(row.2) }
        return table
    }

    private func emptyStatements() throws(ReportError) -> Parts {
        (
            ["members": .integer(0), "members_with_activity": .integer(0)], [],
            ["The log holds no entries up to this checkpoint."]
        )
    }

    mutating func pledgeFulfilment() throws(ReportError) -> Parts {
        guard let day = book.reportDate else { return ([:], [], ["The log holds no entries up to this checkpoint."]) }
        let totals = try fulfilmentTotals(on: day)
        var tables = try fulfilmentGroupTables(totals)
        tables.append(try ageingTable(totals.ageing))
        tables.append(Self.paymentTimeTable(totals.daysToPay))
        let pledgeCount = totals.byFund.values.flatMap(\.values).reduce(Int64(0)) { $0 + $1[5] }
        let notes = [
            "Fulfilment rate = paid ÷ pledged (write-offs are not payments). Overdue and ageing on \(day): instalments "
                + "are settled in due order by what was paid or written off; an instalment is overdue from its due "
                + "date (0–30, 31–90, 91–180 and more than 180 days).",
            "Time to payment counts pledges paid in full by contributions, from the pledge's date to the date of the "
                + "contribution that completed it.",
        ]
        return (["pledges": .integer(pledgeCount)], tables, notes)
    }

    /// The pledges' figures gathered once for every fulfilment table.
    struct FulfilmentTotals {
        /// Per group and asset: pledged, paid, written off, outstanding, overdue | pledges, paid in full.
        var byFund: [String: [AssetCode: [Int64]]] = [:]
        var byKind: [String: [AssetCode: [Int64]]] = [:]
        var byRegion: [String: [AssetCode: [Int64]]] = [:]
        var byQuarter: [String: [AssetCode: [Int64]]] = [:]
        /// Per bucket and asset: unpaid amount | instalments.
        var ageing: [Int: [AssetCode: [Int64]]] = [:]
        /// Days from pledge to the payment that completed it, per fund label.
        var daysToPay: [String: [Int64]] = [:]
    }

    private func fulfilmentTotals(on day: LocalDate) throws(ReportError) -> FulfilmentTotals {
        var totals = FulfilmentTotals()
        for pledge in includedPledges() {
            let isPaidInFull: Int64 = pledge.paid >= pledge.amount ? 1 : 0
            let values = [
                pledge.amount, pledge.paid, pledge.writtenOff, pledge.outstanding, pledge.overdue(on: day), 1,
                isPaidInFull,
            ]
            let label = fundLabel(pledge.fundID)
            try Self.accumulate(values, into: &totals.byFund[label, default: [:]], asset: pledge.asset)
            let profile = book.members[pledge.memberID].map(shownProfile)
            let kind = profile?.kind ?? "(unknown)"
            try Self.accumulate(values, into: &totals.byKind[kind, default: [:]], asset: pledge.asset)
            let region = profile?.region ?? "(unknown)"
            try Self.accumulate(values, into: &totals.byRegion[region, default: [:]], asset: pledge.asset)
            let quarter = "\(pledge.date.year)-Q\((pledge.date.month - 1) / 3 + 1)"
            try Self.accumulate(values, into: &totals.byQuarter[quarter, default: [:]], asset: pledge.asset)
            try Self.accumulateAgeing(of: pledge, on: day, into: &totals.ageing)
            if isPaidInFull == 1, let completed = Self.completionDate(of: pledge) {
                totals.daysToPay[label, default: []].append(completed.daysSinceEpoch - pledge.date.daysSinceEpoch)
            }
        }
        return totals
    }

    /// Adds a pledge's overdue instalments to their ageing buckets; instalments are settled in
    /// due order by what was paid or written off.
    private static func accumulateAgeing(
        of pledge: PledgeFacts, on day: LocalDate, into ageing: inout [Int: [AssetCode: [Int64]]]
    ) throws(ReportError) {
        var covered = Int128(pledge.paid) + Int128(pledge.writtenOff)
        for instalment in pledge.instalments {
            let settled = min(max(covered, 0), Int128(instalment.amount))
            covered -= settled
            let unpaid = instalment.amount - Int64(settled)
            guard unpaid > 0, instalment.dueDate <= day else { continue }
            let days = day.daysSinceEpoch - instalment.dueDate.daysSinceEpoch
            let bucket = Self.ageingBuckets.firstIndex { days <= $0.upTo } ?? Self.ageingBuckets.count - 1
            try Self.accumulate([unpaid, 1], into: &ageing[bucket, default: [:]], asset: pledge.asset)
        }
    }

    /// One table per grouping (fund, member kind, region, quarter pledged).
    private mutating func fulfilmentGroupTables(_ totals: FulfilmentTotals) throws(ReportError) -> [ReportTable] {
        let groupColumns: [ReportTable.Column] = [
            .init("asset", "Asset", .text), .init("pledged", "Pledged", .amount), .init("paid", "Paid", .amount),
            .init("written_off", "Written off", .amount), .init("outstanding", "Outstanding", .amount),
            .init("overdue", "Overdue", .amount),
            .init("pledges", "Pledges", .integer), .init("paid_in_full", "Paid in full", .integer),
            .init("fulfilment_rate", "Paid ÷ pledged", .ratio),
        ]
        var tables: [ReportTable] = []
        for (name, title, key, groups) in [
            ("by_fund", "By fund", "fund", totals.byFund),
            ("by_member_kind", "By member kind", "member_kind", totals.byKind),
            ("by_region", "By region", "region", totals.byRegion),
            ("over_time", "By quarter pledged", "quarter", totals.byQuarter),
        ] {
            var table = ReportTable(
                name: name, title: title,
                columns: [.init(key, title.replacing("By ", with: "").capitalizedFirst, .text)]
                    + groupColumns)
            for (label, bag) in groups.sorted(by: { $0.key < $1.key }) {
                for (asset, values) in try normalize(bag, moneyCount: 5).sorted(by: { $0.key < $1.key }) {
                    table.append(
                        [.string(label), .string(asset.rawValue)] + values.map(JSONValue.integer) + [
                            Self.ratio(values[1], values[0])
                        ])
                }
            }
            tables.append(table)
        }
        return tables
    }

    private mutating func ageingTable(_ ageing: [Int: [AssetCode: [Int64]]]) throws(ReportError) -> ReportTable {
        var ageingTable = ReportTable(
            name: "ageing", title: "Overdue ageing",
            columns: [
                .init("bucket", "Days overdue", .text), .init("asset", "Asset", .text),
                .init("amount", "Unpaid", .amount), .init("instalments", "Instalments", .integer),
            ])
        for (bucket, bag) in ageing.sorted(by: { $0.key < $1.key }) {
            for (asset, values) in try normalize(bag, moneyCount: 1).sorted(by: { $0.key < $1.key }) {
                ageingTable.append([
                    .string(Self.ageingBuckets[bucket].label), .string(asset.rawValue), .integer(values[0]),
                    .integer(values[1]),
                ])
            }
        }
        return ageingTable
    }

    private static func paymentTimeTable(_ daysToPay: [String: [Int64]]) -> ReportTable {
        var timing = ReportTable(
            name: "time_to_payment", title: "Days from pledge to full payment",
            columns: [
                .init("fund", "Fund", .text), .init("pledges_paid_in_full", "Pledges paid in full", .integer),
                .init("median_days", "Median days", .ratio), .init("mean_days", "Mean days", .ratio),
                .init("max_days", "Longest", .integer),
            ])
        for (label, days) in daysToPay.sorted(by: { $0.key < $1.key }) {
            timing.append([
                .string(label), .integer(Int64(days.count)), Self.median(days, unit: 1), Self.mean(days, unit: 1),
                .integer(days.max() ?? 0),
            ])
        }
        return timing
    }

    /// Overdue ageing buckets: the last day of each and its label.
    static let ageingBuckets: [(upTo: Int64, label: String)] = [
        (30, "0-30"), (90, "31-90"), (180, "91-180"), (Int64.max, "180+"),
    ]

    /// The date of the contribution that brought a pledge's payments up to its amount.
    static func completionDate(of pledge: PledgeFacts) -> LocalDate? {
        var total: Int64 = 0
        for payment in pledge.payments.sorted(by: { $0.date < $1.date }) {
            total += payment.amount
            if total >= pledge.amount { return payment.date }
        }
        return nil
    }
}

extension String {
    /// The string with its first character in upper case ("member kind" → "Member kind").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
