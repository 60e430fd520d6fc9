import FundCore
import LedgerCore

/// Reciprocity: who gives and who receives, per member and region, how concentrated the
/// giving is, how money flows between regions, and how long grants take.
extension ReportComputer {
    /// The receiving "region" of grants to named beneficiaries outside the membership.
    static let beneficiaryRegion = "(named beneficiaries)"
    /// The giving "region" of money a fund paid out without any contribution to it.
    static let unattributedRegion = "(no contributions)"

    mutating func reciprocity() throws(ReportError) -> Parts {
        let totals = try reciprocityTotals()
        // Members, in the reporting asset when there is one.
        let members = sortedMembers()
        let (memberTable, normalized) = try memberReciprocityTable(members, totals.perMember)
        let regionTable = try regionReciprocityTable(members, normalized)
        let concentration = Self.concentrationTable(members, normalized)
        let flows = try flowTable(given: totals.given, received: totals.received)
        let timing = Self.timingTable(totals.times)
        let summary = Self.reciprocitySummary(memberCount: members.count, totals.perMember)
        return (summary, [memberTable, regionTable, concentration, flows, timing], Self.reciprocityNotes)
    }

    /// Contributions and paid grants, gathered once for every reciprocity table.
    struct ReciprocityTotals {
        /// Per member and asset: contributed, received.
        var perMember: [MemberID: [AssetCode: [Int64]]] = [:]
        /// Per fund: contributions per giving region.
        var given: [FundID: [String: [AssetCode: [Int64]]]] = [:]
        /// Per fund: grants paid per receiving region.
        var received: [FundID: [String: [AssetCode: [Int64]]]] = [:]
        /// Per fund label: how long its grant requests took.
        var times: [String: DisbursementTimes] = [:]
    }

    private func reciprocityTotals() throws(ReportError) -> ReciprocityTotals {
        var totals = ReciprocityTotals()
        for (key, amount) in book.contributions where includes(key.fundID) {
            try Self.accumulate([amount, 0], into: &totals.perMember[key.memberID, default: [:]], asset: key.asset)
            let region = shownRegion(key.memberID)
            try Self.accumulate(
                [amount], into: &totals.given[key.fundID, default: [:]][region, default: [:]], asset: key.asset)
        }
        for grant in book.disbursements.values.sorted(by: { $0.id.rawValue < $1.id.rawValue })
        where includes(grant.fundID) {
            totals.times[fundLabel(grant.fundID), default: DisbursementTimes()].add(grant)
            guard grant.paidAt != nil else { continue }
            var region = Self.beneficiaryRegion
            if let member = grant.memberID {
                try Self.accumulate(
                    [0, grant.amount], into: &totals.perMember[member, default: [:]], asset: grant.asset)
                region = shownRegion(member)
            }
            try Self.accumulate(
                [grant.amount], into: &totals.received[grant.fundID, default: [:]][region, default: [:]],
                asset: grant.asset)
        }
        return totals
    }

    /// Contributed and received per member, and each member's figures in the reporting asset.
    private mutating func memberReciprocityTable(
        _ members: [MemberFacts], _ perMember: [MemberID: [AssetCode: [Int64]]]
    ) throws(ReportError) -> (ReportTable, [MemberID: [AssetCode: [Int64]]]) {
        var memberTable = ReportTable(
            name: "members", title: "Contributed and received per member",
            columns: [
                .init("member", "Member", .text), .init("member_id", "Member id", .text), .init("kind", "Kind", .text),
                .init("region", "Region", .text), .init("asset", "Asset", .text),
                .init("contributed", "Contributed", .amount),
                .init("received", "Received", .amount), .init("net", "Net (contributed − received)", .amount),
                .init("ratio", "Received ÷ contributed", .ratio),
            ])
        var normalized: [MemberID: [AssetCode: [Int64]]] = [:]
        for member in members {
            guard let bag = perMember[member.id] else { continue }
            let values = try normalize(bag, moneyCount: 2)
            normalized[member.id] = values
            let profile = shownProfile(member)
            for (asset, figures) in values.sorted(by: { $0.key < $1.key }) {
                memberTable.append([
                    .string(displayName(member)), .string(member.id.rawValue), .string(profile.kind),
                    .string(profile.region),
                    .string(asset.rawValue), .integer(figures[0]), .integer(figures[1]),
                    .integer(figures[0] - figures[1]), Self.ratio(figures[1], figures[0]),
                ])
            }
        }
        return (memberTable, normalized)
    }

    /// Regions: every member counts in its region's member count.
    private func regionReciprocityTable(
        _ members: [MemberFacts], _ normalized: [MemberID: [AssetCode: [Int64]]]
    ) throws(ReportError) -> ReportTable {
        var regionMembers: [String: Int64] = [:]
        var regionFigures: [String: [AssetCode: [Int64]]] = [:]
        for member in members {
            let region = shownProfile(member).region
            regionMembers[region, default: 0] += 1
            for (asset, figures) in normalized[member.id] ?? [:] {
                try Self.accumulate(figures, into: &regionFigures[region, default: [:]], asset: asset)
            }
        }
        var regionTable = ReportTable(
            name: "regions", title: "Contributed and received per region",
            columns: [
                .init("region", "Region", .text), .init("members", "Members", .integer), .init("asset", "Asset", .text),
                .init("contributed", "Contributed", .amount), .init("received", "Received", .amount),
                .init("net", "Net (contributed − received)", .amount),
                .init("ratio", "Received ÷ contributed", .ratio),
            ])
        for (region, count) in regionMembers.sorted(by: { $0.key < $1.key }) {
            for (asset, figures) in (regionFigures[region] ?? [:]).sorted(by: { $0.key < $1.key }) {
                regionTable.append([
                    .string(region), .integer(count), .string(asset.rawValue), .integer(figures[0]),
                    .integer(figures[1]),
                    .integer(figures[0] - figures[1]), Self.ratio(figures[1], figures[0]),
                ])
            }
        }
        return regionTable
    }

    /// Concentration of giving per asset, over every member (those who gave nothing count as 0).
    private static func concentrationTable(
        _ members: [MemberFacts], _ normalized: [MemberID: [AssetCode: [Int64]]]
    ) -> ReportTable {
        var concentration = ReportTable(
            name: "concentration", title: "Concentration of giving",
            columns: [
                .init("asset", "Asset", .text), .init("members", "Members", .integer),
                .init("givers", "Members who gave", .integer),
                .init("top_10_percent_share", "Share given by the top 10 % of members", .ratio),
                .init("gini", "Gini coefficient", .ratio),
            ])
        let assets = Set(normalized.values.flatMap(\.keys)).sorted()
        for asset in assets {
            let amounts = members.map { normalized[$0.id]?[asset]?[0] ?? 0 }
            concentration.append([
                .string(asset.rawValue), .integer(Int64(amounts.count)),
                .integer(Int64(amounts.filter { $0 > 0 }.count)),
                Self.topShare(amounts), Self.gini(amounts),
            ])
        }
        return concentration
    }

    /// Grant requests per fund: counts, and hours from request to approval to payment.
    private static func timingTable(_ times: [String: DisbursementTimes]) -> ReportTable {
        var timing = ReportTable(
            name: "disbursement_times", title: "Grant requests: hours from request to approval to payment",
            columns: [
                .init("fund", "Fund", .text), .init("requested", "Requested", .integer),
                .init("approved", "Approved", .integer),
                .init("paid", "Paid", .integer), .init("rejected", "Rejected", .integer),
                .init("cancelled", "Cancelled", .integer),
                .init("request_to_approval_median_hours", "Request → approval, median hours", .ratio),
                .init("approval_to_payment_median_hours", "Approval → payment, median hours", .ratio),
                .init("request_to_payment_median_hours", "Request → payment, median hours", .ratio),
                .init("request_to_payment_mean_hours", "Request → payment, mean hours", .ratio),
            ])
        let hour: Int64 = 3_600_000_000
        for (label, entry) in times.sorted(by: { $0.key < $1.key }) {
            timing.append([
                .string(label), .integer(entry.requested), .integer(entry.approved), .integer(entry.paid),
                .integer(entry.rejected),
                .integer(entry.cancelled), Self.median(entry.toApproval, unit: hour),
                Self.median(entry.toPayment, unit: hour),
                Self.median(entry.requestToPayment, unit: hour), Self.mean(entry.requestToPayment, unit: hour),
            ])
        }
        return timing
    }

    /// How many members give, receive, or both.
    private static func reciprocitySummary(
        memberCount: Int, _ perMember: [MemberID: [AssetCode: [Int64]]]
    ) -> [String: JSONValue] {
        let gives = Set(perMember.filter { $0.value.values.contains { $0[0] > 0 } }.keys)
        let receives = Set(perMember.filter { $0.value.values.contains { $0[1] > 0 } }.keys)
        let both = Int64(gives.intersection(receives).count)
        return [
            "members": .integer(Int64(memberCount)), "givers": .integer(Int64(gives.count)),
            "receivers": .integer(Int64(receives.count)),
            "both_give_and_receive": .integer(both),
            "share_both_give_and_receive": Self.ratio(both, Int64(memberCount)),
        ]
    }

    private static var reciprocityNotes: [String] {
        [
            "Contributed: every contribution dated on or before the report date, pledged or not. Received: grants paid "
                + "to the member. Ratio = received ÷ contributed (empty when nothing was contributed).",
            "Concentration counts every registered member, those who gave nothing as 0. Top 10 %: the share given by "
                + "the ⌈n/10⌉ largest givers. Gini = Σ(2i − n − 1)·xᵢ ÷ (n·Σx) over amounts in ascending order.",
            "Flows: each fund's grants paid to a region are attributed to the regions that contributed to that fund, "
                + "in proportion to their contributions (largest-remainder rounding, so every column adds up to the "
                + "grants paid exactly).",
            "Anonymous members are shown by pseudonym in public reports and counted in every figure; "
                + "their kind, country and region are not disclosed there "
                + "(grouped under \"\(Member.Profile.undisclosed)\").",
        ]
    }

    /// Money from giving regions to receiving regions, summed over funds.
    private mutating func flowTable(
        given: [FundID: [String: [AssetCode: [Int64]]]], received: [FundID: [String: [AssetCode: [Int64]]]]
    ) throws(ReportError) -> ReportTable {
        var flows: [FlowKey: Int64] = [:]
        for fundID in Set(received.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
            var sources: [AssetCode: [(String, Int64)]] = [:]
            for (region, bag) in (given[fundID] ?? [:]).sorted(by: { $0.key < $1.key }) {
                for (asset, values) in try normalize(bag, moneyCount: 1) where values[0] > 0 {
                    sources[asset, default: []].append((region, values[0]))
                }
            }
            for (region, bag) in (received[fundID] ?? [:]).sorted(by: { $0.key < $1.key }) {
                for (asset, values) in try normalize(bag, moneyCount: 1) where values[0] > 0 {
                    let shares = Self.apportion(values[0], among: sources[asset] ?? [])
                    for (source, amount) in shares where amount > 0 {
                        try Sum.add(
                            amount, to: &flows[FlowKey(asset: asset, from: source, to: region), default: 0], "flow")
                    }
                }
            }
        }
        var table = ReportTable(
            name: "flows", title: "Flows from giving regions to receiving regions",
            columns: [
                .init("asset", "Asset", .text), .init("from_region", "From (giving region)", .text),
                .init("to_region", "To (receiving region)", .text),
                .init("amount", "Amount", .amount),
            ])
        for (key, amount) in flows.sorted(by: {
            ($0.key.asset, $0.key.from, $0.key.to) < ($1.key.asset, $1.key.from, $1.key.to)
        }) {
            table.append([.string(key.asset.rawValue), .string(key.from), .string(key.to), .integer(amount)])
        }
        return table
    }

    /// Splits `total` among `weights` in proportion, largest remainder first (ties by
    /// order), so the parts add up to `total` exactly.
    static func apportion(_ total: Int64, among weights: [(String, Int64)]) -> [(String, Int64)] {
        let sum = weights.reduce(Int128(0)) { $0 + Int128($1.1) }
        guard sum > 0 else { return [(unattributedRegion, total)] }
        var parts: [(name: String, amount: Int64, remainder: Int128, order: Int)] = []
        var assigned: Int128 = 0
        for (order, (name, weight)) in weights.enumerated() {
            let product = Int128(total) * Int128(weight)
            parts.append((name, Int64(product / sum), product % sum, order))
            assigned += product / sum
        }
        var left = Int128(total) - assigned
        for index in parts.indices.sorted(by: {
            (parts[$0].remainder, -parts[$0].order) > (parts[$1].remainder, -parts[$1].order)
        }) where left > 0 {
            parts[index].amount += 1
            left -= 1
        }
        return parts.map { ($0.name, $0.amount) }
    }

    /// The share of the total held by the ⌈n/10⌉ largest amounts.
    static func topShare(_ amounts: [Int64]) -> JSONValue {
        guard !amounts.isEmpty else { return .null }
        let count = (amounts.count + 9) / 10
        let top = amounts.sorted(by: >).prefix(count).reduce(Int128(0)) { $0 + Int128($1) }
        let total = amounts.reduce(Int128(0)) { $0 + Int128($1) }
        return ExactRatio.text(top, total).map(JSONValue.string) ?? .null
    }

    /// The Gini coefficient of non-negative amounts: Σ(2i − n − 1)·xᵢ ÷ (n·Σx), i from 1
    /// in ascending order.
    static func gini(_ amounts: [Int64]) -> JSONValue {
        let sorted = amounts.map { max($0, 0) }.sorted()
        let n = Int128(sorted.count)
        var weighted: Int128 = 0
        var total: Int128 = 0
        for (position, value) in sorted.enumerated() {
            weighted += (2 * Int128(position + 1) - n - 1) * Int128(value)
            total += Int128(value)
        }
        return ExactRatio.text(weighted, n * total).map(JSONValue.string) ?? .null
    }
}

/// One cell of the flow matrix.
struct FlowKey: Hashable {
    let asset: AssetCode
    let from: String
    let to: String
}

/// Counts and durations (microseconds) of one fund's grant requests.
struct DisbursementTimes {
    var requested: Int64 = 0
    var approved: Int64 = 0
    var paid: Int64 = 0
    var rejected: Int64 = 0
    var cancelled: Int64 = 0
    var toApproval: [Int64] = []
    var toPayment: [Int64] = []
    var requestToPayment: [Int64] = []

    mutating func add(_ grant: DisbursementFacts) {
        requested += 1
        if grant.isRejected { rejected += 1 }
        if grant.isCancelled { cancelled += 1 }
        if let approvedAt = grant.approvedAt {
            approved += 1
            toApproval.append(approvedAt.microsecondsSinceEpoch - grant.requestedAt.microsecondsSinceEpoch)
            if let paidAt = grant.paidAt {
                toPayment.append(paidAt.microsecondsSinceEpoch - approvedAt.microsecondsSinceEpoch)
            }
        }
        if let paidAt = grant.paidAt {
            paid += 1
            requestToPayment.append(paidAt.microsecondsSinceEpoch - grant.requestedAt.microsecondsSinceEpoch)
        }
    }
}
