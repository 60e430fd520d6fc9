public import LedgerCore

/// The fund rule: create a fund with its standing accounts.
public enum FundSteps {
    /// What creating a fund records: the fund and its standing accounts, cash per asset
    /// (never overdrawn) then conversion.
    public struct Creating: Sendable {
        public let fund: Fund
        public let accounts: [Account]

        /// The `fund.created` log entry's action.
        public var action: FundAction {
            FundEvent.fundCreated(fund).action(accountsOpened: accounts)
        }
    }

    /// Creates `fund` (checked by `FundDraft.validated`): refused when its code is taken
    /// or one of its assets is not registered (the first, in the fund's order). Account
    /// ids are drawn only once those refusals have passed.
    public static func create(
        _ fund: Fund, codeIsTaken: Bool, registeredAssets: Set<AssetCode>, identifiers: any IdentifierSource,
        at now: Timestamp
    ) throws(Rejection) -> Creating {
        guard !codeIsTaken else { throw .fundExists(code: fund.code) }
        for asset in fund.assets where !registeredAssets.contains(asset) {
            throw .unknownAsset(code: asset.rawValue)
        }
        let metadata: JSONValue = .object(["fund": .string(fund.id.rawValue)])
        var accounts: [Account] = fund.assets.map { asset in
            Account(
                id: AccountID(bytes: identifiers.nextIdentifierBytes()), code: fund.chart.cash(asset), type: .asset,
                allowedAssets: [asset], constraint: .noNegative, metadata: metadata, createdAt: now, closedAt: nil
            )
        }
        accounts.append(
            Account(
                id: AccountID(bytes: identifiers.nextIdentifierBytes()), code: fund.chart.conversion, type: .equity,
                allowedAssets: fund.assets.sorted(), constraint: nil, metadata: metadata, createdAt: now, closedAt: nil
            ))
        return Creating(fund: fund, accounts: accounts)
    }
}
