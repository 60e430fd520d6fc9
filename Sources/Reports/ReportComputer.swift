public import FundCore
import LedgerCore

/// Computes a report from a `ReportBook`: the one place figures are made, used by the
/// server, the CLI and `verify-report` alike.
public struct ReportComputer {
    let book: ReportBook
    let parameters: ReportParameters
    /// Anonymous members' names and profiles from the fund's private records, for
    /// auditor reports.
    let privateData: [MemberID: MemberPrivateData]
    /// The fund the report is limited to, if any.
    let fund: FundFacts?
    let converter: CurrencyConverter?
    private(set) var conversions: [AssetCode: CurrencyConverter.Conversion] = [:]
    private(set) var gaps: Set<AssetCode> = []
    /// Per asset, how many converted figures left the ledger's amount range and were left out.
    private(set) var outOfRange: [AssetCode: Int] = [:]
    /// Assets whose amounts appear in the tables.
    var mentionedAssets: Set<AssetCode> = []

    /// Computes the report `parameters` ask for from `book`, bound to `checkpoint`.
    /// `privateData` is only used for the auditor audience.
    public static func compute(
        _ parameters: ReportParameters, book: ReportBook, checkpoint: CheckpointReference,
        privateData: [MemberID: MemberPrivateData] = [:]
    ) throws(ReportError) -> Report {
        precondition(
            book.asOf == parameters.asOf && book.from == parameters.from, "the book was gathered for these parameters")
        guard book.entryCount == checkpoint.treeSize else {
            throw .malformed("the book holds \(book.entryCount) entries, the checkpoint \(checkpoint.treeSize)")
        }
        let records = parameters.audience == .auditor ? privateData : [:]
        var computer = try ReportComputer(book: book, parameters: parameters, privateData: records)
        var summary: [String: JSONValue]
        var tables: [ReportTable]
        var notes: [String]
        switch parameters.name {
        case .trialBalance: (summary, tables, notes) = try computer.trialBalance()
        case .financialPosition: (summary, tables, notes) = try computer.financialPosition()
        case .incomeExpenditure: (summary, tables, notes) = try computer.incomeExpenditure()
        case .memberStatements: (summary, tables, notes) = try computer.memberStatements()
        case .pledgeFulfilment: (summary, tables, notes) = try computer.pledgeFulfilment()
        case .reciprocity: (summary, tables, notes) = try computer.reciprocity()
        }
        if let currency = parameters.currency, parameters.name != .trialBalance {
            tables += computer.conversionTables(currency)
            notes.append(
                "Amounts are in \(currency), converted at the latest rate recorded on or "
                    + "before \(book.reportDate?.description ?? "the report date") (rounded half to even per figure). "
                    + "Amounts in assets without such a rate are left out of every converted figure and listed under "
                    + "gaps; counts still include them."
            )
            if !computer.outOfRange.isEmpty {
                notes.append(
                    "Converted figures beyond the ledger's amount range (±\(Limits.amountMagnitudeMax) minor units) "
                        + "are left out of every converted total and listed under gaps with their count."
                )
            }
            summary["conversion_gaps"] = .integer(Int64(computer.gaps.union(computer.outOfRange.keys).count))
        }
        summary["report_date"] = book.reportDate.map { .string($0.description) } ?? .null
        var scales: [AssetCode: Int] = [:]
        for asset in computer.mentionedAssets { scales[asset] = book.assetScales[asset] }
        return Report(
            parameters: parameters, checkpoint: checkpoint, assetScales: scales, summary: summary, tables: tables,
            notes: notes)
    }

    private init(
        book: ReportBook, parameters: ReportParameters, privateData: [MemberID: MemberPrivateData]
    ) throws(ReportError) {
        self.book = book
        self.parameters = parameters
        self.privateData = privateData
        if let reference = parameters.fund {
            guard let fund = book.fund(named: reference) else {
                throw .unknown("no fund \(reference) in the log up to this checkpoint")
            }
            self.fund = fund
        } else {
            fund = nil
        }
        converter = try parameters.currency.map { currency throws(ReportError) in
            try CurrencyConverter(book: book, currency: currency)
        }
    }

    // MARK: Shared helpers

    /// Whether a fund's figures belong in the report.
    func includes(_ fundID: FundID?) -> Bool { fund.map { $0.id == fundID } ?? true }

    /// The fund label of an account: its fund's code, or "(none)".
    func fundLabel(_ fundID: FundID?) -> String { fundID.flatMap { book.funds[$0]?.code } ?? "(none)" }

    /// The name the audience may see: a public member's name; for an anonymous member
    /// the pseudonym, or for auditors the name from the private records.
    func displayName(_ member: MemberFacts) -> String {
        if let name = member.publicName { return name }
        return privateData[member.id]?.name ?? member.id.pseudonym
    }

    /// The kind, country and region the audience may see: a public member's; for an
    /// anonymous member "(undisclosed)" in public reports (whatever an old log entry
    /// holds), for auditors the log's or the private records' while they exist.
    func shownProfile(_ member: MemberFacts) -> ShownProfile {
        let undisclosed = Member.Profile.undisclosed
        guard member.visibility == .public || parameters.audience == .auditor else {
            return ShownProfile(kind: undisclosed, country: undisclosed, region: undisclosed)
        }
        if let kind = member.kind, let country = member.country, let region = member.region {
            return ShownProfile(kind: kind.rawValue, country: country, region: region)
        }
        guard let profile = privateData[member.id]?.profile else {
            return ShownProfile(kind: undisclosed, country: undisclosed, region: undisclosed)
        }
        return ShownProfile(kind: profile.kind.rawValue, country: profile.country.rawValue, region: profile.region)
    }

    /// The region a member's figures are grouped under ("(unknown)" for a member the
    /// log does not know).
    func shownRegion(_ id: MemberID) -> String {
        book.members[id].map { shownProfile($0).region } ?? "(unknown)"
    }

    /// Converts a per-asset vector of figures into the reporting asset when one is asked
    /// for: the first `moneyCount` entries are amounts and are converted, the rest are
    /// counts and are added as they are. Without a reporting asset the bag is returned
    /// unchanged.
    mutating func normalize(_ bag: [AssetCode: [Int64]], moneyCount: Int) throws(ReportError) -> [AssetCode: [Int64]] {
        guard let converter else {
            mentionedAssets.formUnion(bag.keys)
            return bag
        }
        guard let width = bag.first?.value.count else { return [:] }
        var total = [Int64](repeating: 0, count: width)
        for (asset, values) in bag.sorted(by: { $0.key < $1.key }) {
            let conversion = converter.conversion(of: asset)
            if asset != converter.currency && conversion == nil { gaps.insert(asset) }
            if let conversion { conversions[asset] = conversion }
            for (position, value) in values.enumerated() {
                if position < moneyCount {
                    switch converter.convert(value, of: asset) {
                    case .amount(let converted): try Sum.add(converted, to: &total[position], "converted total")
                    case .noRate: continue
                    case .outOfRange: outOfRange[asset, default: 0] += 1
                    }
                } else {
                    try Sum.add(value, to: &total[position], "count")
                }
            }
        }
        mentionedAssets.insert(converter.currency)
        return [converter.currency: total]
    }

    /// Adds `values` into `bag[asset]` element by element, checked.
    static func accumulate(
        _ values: [Int64], into bag: inout [AssetCode: [Int64]], asset: AssetCode
    ) throws(ReportError) {
        var current = bag[asset] ?? [Int64](repeating: 0, count: values.count)
        for (position, value) in values.enumerated() { try Sum.add(value, to: &current[position], "total") }
        bag[asset] = current
    }

    /// The conversions used and the assets without a rate.
    func conversionTables(_ currency: AssetCode) -> [ReportTable] {
        var used = ReportTable(name: "conversions", title: "Exchange rates used", columns: [
            .init("asset", "Asset", .text), .init("currency", "Into", .text), .init("rate", "Rate", .ratio),
            .init("inverse", "Inverse of the recorded rate", .boolean), .init("rate_date", "Rate date", .date),
        ])
        for conversion in conversions.values.sorted(by: { $0.asset < $1.asset }) {
            used.append([
                .string(conversion.asset.rawValue), .string(currency.rawValue), .string(conversion.rate.description),
                .bool(conversion.isInverse),
                .string(conversion.rateDate.description),
            ])
        }
        var missing = ReportTable(name: "gaps", title: "Amounts left out: no exchange rate", columns: [
            .init("asset", "Asset", .text), .init("currency", "Into", .text), .init("reason", "Reason", .text),
        ])
        let day = book.reportDate?.description ?? "the report date"
        for asset in gaps.union(outOfRange.keys).sorted() {
            let reason = outOfRange[asset].map { count in
                "\(count) converted figure(s) of \(asset) leave the ledger's amount range in \(currency) "
                    + "at the rate used"
            } ?? "no \(asset)/\(currency) or \(currency)/\(asset) rate recorded on or before \(day)"
            missing.append([.string(asset.rawValue), .string(currency.rawValue), .string(reason)])
        }
        return [used, missing]
    }

    /// `numerator / denominator` as a ratio cell (null when the denominator is zero).
    static func ratio(_ numerator: Int64, _ denominator: Int64, places: Int = 4) -> JSONValue {
        ExactRatio.text(Int128(numerator), Int128(denominator), places: places).map(JSONValue.string) ?? .null
    }

    /// The median of `values` in `unit`s (e.g. microseconds per hour) as a ratio cell.
    static func median(_ values: [Int64], unit: Int64, places: Int = 1) -> JSONValue {
        guard !values.isEmpty else { return .null }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return ratio(sorted[middle], unit, places: places) }
        let sum = Int128(sorted[middle - 1]) + Int128(sorted[middle])
        return ExactRatio.text(sum, Int128(unit) * 2, places: places).map(JSONValue.string) ?? .null
    }

    /// The mean of `values` in `unit`s as a ratio cell.
    static func mean(_ values: [Int64], unit: Int64, places: Int = 1) -> JSONValue {
        guard !values.isEmpty else { return .null }
        let sum = values.reduce(Int128(0)) { $0 + Int128($1) }
        return ExactRatio.text(sum, Int128(unit) * Int128(values.count), places: places).map(JSONValue.string) ?? .null
    }
}

/// A member's kind, country and region as one report shows them.
struct ShownProfile: Hashable {
    let kind: String
    let country: String
    let region: String
}
