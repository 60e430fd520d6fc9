import LedgerCore

/// The accounting statements: trial balance, financial position, income and expenditure.
extension ReportComputer {
    typealias Parts = (summary: [String: JSONValue], tables: [ReportTable], notes: [String])

    /// Accounts of the report's fund with their balances, in asset then code order.
    func accountBalances(_ source: [BalanceKey: Int64]) -> [(account: AccountFacts, asset: AssetCode, amount: Int64)] {
        source.compactMap { key, amount in
            guard amount != 0, let account = book.accounts[key.accountID], includes(book.fund(of: account)) else {
                return nil
            }
            return (account, key.asset, amount)
        }
        .sorted { ($0.asset, $0.account.code) < ($1.asset, $1.account.code) }
    }

    mutating func trialBalance() throws(ReportError) -> Parts {
        var lines = ReportTable(name: "balances", title: "Balances", columns: [
            .init("asset", "Asset", .text), .init("account", "Account", .text), .init("type", "Type", .text),
            .init("debit", "Debit", .amount), .init("credit", "Credit", .amount),
        ])
        var totals: [AssetCode: [Int64]] = [:]
        for line in accountBalances(book.balances) {
            let debit = max(line.amount, 0)
            let credit = max(-line.amount, 0)
            lines.append([
                .string(line.asset.rawValue), .string(line.account.code.rawValue), .string(line.account.type.rawValue),
                .integer(debit), .integer(credit),
            ])
            try Self.accumulate([debit, credit], into: &totals, asset: line.asset)
            mentionedAssets.insert(line.asset)
        }
        var totalTable = ReportTable(name: "totals", title: "Totals per asset", columns: [
            .init("asset", "Asset", .text), .init("debit", "Debits", .amount), .init("credit", "Credits", .amount),
            .init("balanced", "Debits equal credits", .boolean),
        ])
        for (asset, values) in totals.sorted(by: { $0.key < $1.key }) {
            totalTable.append([
                .string(asset.rawValue), .integer(values[0]), .integer(values[1]), .bool(values[0] == values[1]),
            ])
        }
        var notes = [
            "Every account with a non-zero balance from the postings dated on or before the report date; debits are "
                + "positive balances, credits negative ones. Each asset is stated on its own: debits equal credits per "
                + "asset."
        ]
        if fund != nil {
            notes.append(
                "Limited to the fund's own accounts; a transaction between the fund and an account outside it leaves "
                    + "that fund's totals unequal."
            )
        }
        if parameters.currency != nil {
            notes.append("A trial balance is stated in each asset; the currency parameter does not apply to it.")
        }
        return (
            [
                "accounts": .integer(Int64(lines.rows.count)),
                "balanced": .bool(totals.values.allSatisfy { $0[0] == $0[1] }),
            ], [lines, totalTable], notes
        )
    }

    mutating func financialPosition() throws(ReportError) -> Parts {
        var lines = ReportTable(name: "lines", title: "Assets, liabilities and equity", columns: [
            .init("fund", "Fund", .text), .init("section", "Section", .text), .init("account", "Account", .text),
            .init("asset", "Asset", .text), .init("amount", "Amount", .amount),
        ])
        // Per fund: assets, liabilities, equity, accumulated surplus (income − expenses).
        var totals: [String: [AssetCode: [Int64]]] = [:]
        for line in accountBalances(book.balances) {
            let label = fundLabel(book.fund(of: line.account))
            var values: [Int64] = [0, 0, 0, 0]
            switch line.account.type {
            case .asset: values[0] = line.amount
            case .liability: values[1] = -line.amount
            case .equity: values[2] = -line.amount
            case .income, .expense: values[3] = -line.amount
            }
            try Self.accumulate(values, into: &totals[label, default: [:]], asset: line.asset)
            guard
                let section = ["asset": "assets", "liability": "liabilities", "equity": "equity"][
                    line.account.type.rawValue]
            else { continue }
            for (asset, value) in try normalize([line.asset: [values[0] + values[1] + values[2]]], moneyCount: 1) {
                lines.append([
                    .string(label), .string(section), .string(line.account.code.rawValue), .string(asset.rawValue),
                    .integer(value[0]),
                ])
            }
        }
        var totalTable = ReportTable(name: "totals", title: "Net assets per fund", columns: [
            .init("fund", "Fund", .text), .init("asset", "Asset", .text), .init("assets", "Assets", .amount),
            .init("liabilities", "Liabilities", .amount), .init("net_assets", "Net assets", .amount),
            .init("equity", "Equity", .amount), .init("accumulated_surplus", "Accumulated surplus", .amount),
        ])
        for (label, bag) in totals.sorted(by: { $0.key < $1.key }) {
            for (asset, values) in try normalize(bag, moneyCount: 4).sorted(by: { $0.key < $1.key }) {
                var net = values[0]
                try Sum.add(-values[1], to: &net, "net assets")
                totalTable.append([
                    .string(label), .string(asset.rawValue), .integer(values[0]), .integer(values[1]), .integer(net),
                    .integer(values[2]), .integer(values[3]),
                ])
            }
        }
        let notes = [
            "Balances on the report date. Assets are shown as their debit balance, liabilities and equity as their "
                + "credit balance. Net assets = assets − liabilities = equity + accumulated surplus (income less "
                + "expenses to date; the books are never closed)."
        ]
        return (["funds": .integer(Int64(totals.count))], [lines, totalTable], notes)
    }

    mutating func incomeExpenditure() throws(ReportError) -> Parts {
        var lines = ReportTable(name: "lines", title: "Income and expenditure", columns: [
            .init("fund", "Fund", .text), .init("section", "Section", .text), .init("account", "Account", .text),
            .init("asset", "Asset", .text), .init("amount", "Amount", .amount),
        ])
        var totals: [String: [AssetCode: [Int64]]] = [:]
        for line in accountBalances(book.periodMovements)
        where line.account.type == .income || line.account.type == .expense {
            let label = fundLabel(book.fund(of: line.account))
            let isIncome = line.account.type == .income
            let values: [Int64] = isIncome ? [-line.amount, 0] : [0, line.amount]
            try Self.accumulate(values, into: &totals[label, default: [:]], asset: line.asset)
            for (asset, value) in try normalize([line.asset: [isIncome ? -line.amount : line.amount]], moneyCount: 1) {
                lines.append([
                    .string(label), .string(isIncome ? "income" : "expenditure"), .string(line.account.code.rawValue),
                    .string(asset.rawValue), .integer(value[0]),
                ])
            }
        }
        var totalTable = ReportTable(name: "totals", title: "Surplus per fund", columns: [
            .init("fund", "Fund", .text), .init("asset", "Asset", .text), .init("income", "Income", .amount),
            .init("expenditure", "Expenditure", .amount), .init("surplus", "Surplus", .amount),
        ])
        for (label, bag) in totals.sorted(by: { $0.key < $1.key }) {
            for (asset, values) in try normalize(bag, moneyCount: 2).sorted(by: { $0.key < $1.key }) {
                var surplus = values[0]
                try Sum.add(-values[1], to: &surplus, "surplus")
                totalTable.append([
                    .string(label), .string(asset.rawValue), .integer(values[0]), .integer(values[1]),
                    .integer(surplus),
                ])
            }
        }
        let period =
            "\(parameters.from?.description ?? "the beginning of the book") "
                + "to \(book.reportDate?.description ?? "the end of the log")"
        let notes = [
            "Movements of income and expense accounts dated from \(period). Income is a pledge when made (and a "
                + "contribution nobody pledged when received), less write-offs; expenditure is a grant when approved "
                + "(accrual basis, docs/fund-chart.md)."
        ]
        return (["period_from": parameters.from.map { .string($0.description) } ?? .null], [lines, totalTable], notes)
    }
}
