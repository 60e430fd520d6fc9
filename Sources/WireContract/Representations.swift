public import LedgerCore
public import LedgerStorage

/// The JSON shapes of the API's responses, built from core values: the one home of every
/// response body (ledger ones here, the fund's in `Representations+Fund.swift`, the log's
/// and keys' in `Representations+Log.swift`); controllers only choose which to send.
///
/// Keys are snake_case and spelled out; amounts are integers in minor units.
public enum Representation {
    public struct Asset: Encodable, Sendable {
        let code: String
        let scale: Int
        let name: String
        let createdAt: String

        public init(_ asset: LedgerCore.Asset) {
            code = asset.code.rawValue
            scale = asset.scale
            name = asset.name
            createdAt = asset.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case code, scale, name
            case createdAt = "created_at"
        }
    }

    public struct Account: Encodable, Sendable {
        let id: String
        let code: String
        let type: String
        let normalSide: String
        let allowedAssets: [String]?
        let constraint: String?
        let metadata: JSONValue
        let createdAt: String
        let closedAt: String?
        let isClosed: Bool

        public init(_ account: LedgerCore.Account) {
            id = account.id.rawValue
            code = account.code.rawValue
            type = account.type.rawValue
            normalSide = account.type.normalSide.rawValue
            allowedAssets = account.allowedAssets?.map(\.rawValue)
            constraint = account.constraint?.rawValue
            metadata = account.metadata
            createdAt = account.createdAt.description
            closedAt = account.closedAt?.description
            isClosed = account.isClosed
        }

        enum CodingKeys: String, CodingKey {
            case id, code, type, constraint, metadata
            case normalSide = "normal_side"
            case allowedAssets = "allowed_assets"
            case createdAt = "created_at"
            case closedAt = "closed_at"
            case isClosed = "is_closed"
        }
    }

    public struct Posting: Encodable, Sendable {
        let account: String
        let accountID: String
        let asset: String
        let amount: Int64

        enum CodingKeys: String, CodingKey {
            case account, asset, amount
            case accountID = "account_id"
        }
    }

    public struct Transaction: Encodable, Sendable {
        let id: String
        let date: String
        let description: String
        let metadata: JSONValue
        let postings: [Posting]
        let recordedAt: String
        let reverses: String?
        let reversedBy: String?

        public init(_ transaction: LedgerTransaction) {
            id = transaction.id.rawValue
            date = transaction.date.description
            description = transaction.description
            metadata = transaction.metadata
            postings = transaction.postings.map {
                Posting(
                    account: $0.accountCode.rawValue, accountID: $0.accountID.rawValue, asset: $0.asset.rawValue,
                    amount: $0.amount.minorUnits
                )
            }
            recordedAt = transaction.recordedAt.description
            reverses = transaction.reversesID?.rawValue
            reversedBy = transaction.reversedByID?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case id, date, description, metadata, postings, reverses
            case recordedAt = "recorded_at"
            case reversedBy = "reversed_by"
        }
    }

    public struct List<Item: Encodable & Sendable>: Encodable, Sendable {
        let items: [Item]
        let nextCursor: String?

        public init<Source>(_ page: Page<Source>, _ transform: (Source) -> Item) {
            items = page.items.map(transform)
            nextCursor = page.nextCursor?.encoded
        }

        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
    }

    public struct Balances: Encodable, Sendable {
        /// `held` and `available` (balance minus what approved grants hold) only for a
        /// fund's cash, today.
        public struct Line: Encodable, Sendable {
            let asset: String
            let balance: Int64
            let held: Int64?
            let available: Int64?
        }

        let accountID: String
        let account: String
        let asOf: String?
        let balances: [Line]

        public init(_ balances: AccountBalances) {
            accountID = balances.account.id.rawValue
            account = balances.account.code.rawValue
            asOf = balances.asOf?.description
            self.balances = balances.balances.map { line in
                let available = line.held.map { line.balance.minorUnits.subtractingReportingOverflow($0) }
                return Line(
                    asset: line.asset.rawValue, balance: line.balance.minorUnits, held: line.held,
                    available: available.flatMap { $0.overflow ? nil : $0.partialValue })
            }
        }

        enum CodingKeys: String, CodingKey {
            case account, balances
            case accountID = "account_id"
            case asOf = "as_of"
        }
    }

    public struct RegisterLine: Encodable, Sendable {
        let transactionID: String
        let date: String
        let description: String
        let asset: String
        let amount: Int64
        let runningBalance: Int64

        public init(_ line: LedgerStorage.RegisterLine) {
            transactionID = line.transactionID.rawValue
            date = line.date.description
            description = line.description
            asset = line.asset.rawValue
            amount = line.amount.minorUnits
            runningBalance = line.runningBalance
        }

        enum CodingKeys: String, CodingKey {
            case date, description, asset, amount
            case transactionID = "transaction_id"
            case runningBalance = "running_balance"
        }
    }

    public struct TrialBalance: Encodable, Sendable {
        public struct Line: Encodable, Sendable {
            let accountID: String
            let account: String
            let type: String
            let balance: Int64

            enum CodingKeys: String, CodingKey {
                case account, type, balance
                case accountID = "account_id"
            }
        }

        public struct Section: Encodable, Sendable {
            let asset: String
            let debitTotal: Int64
            let creditTotal: Int64
            let isBalanced: Bool
            let lines: [Line]

            enum CodingKeys: String, CodingKey {
                case asset, lines
                case debitTotal = "debit_total"
                case creditTotal = "credit_total"
                case isBalanced = "is_balanced"
            }
        }

        let asOf: String?
        let isBalanced: Bool
        let assets: [Section]

        public init(_ trialBalance: LedgerCore.TrialBalance) {
            asOf = trialBalance.asOf?.description
            isBalanced = trialBalance.isBalanced
            assets = trialBalance.sections.map { section in
                Section(
                    asset: section.asset.rawValue, debitTotal: section.debitTotal, creditTotal: section.creditTotal,
                    isBalanced: section.isBalanced,
                    lines: section.lines.map {
                        Line(
                            accountID: $0.accountID.rawValue, account: $0.accountCode.rawValue,
                            type: $0.accountType.rawValue, balance: $0.balance.minorUnits
                        )
                    }
                )
            }
        }

        enum CodingKeys: String, CodingKey {
            case assets
            case asOf = "as_of"
            case isBalanced = "is_balanced"
        }
    }
}
