/// Rebuilds the ledger's state from its events alone, enforcing the same rules the
/// writer enforced: the auditor's independent second opinion.
///
/// Applying an event returns the balances it touched as they stand afterwards, for
/// comparison with what the log entry states.
public struct LedgerReplay: Sendable {
    public private(set) var assets: [AssetCode: Asset] = [:]
    public private(set) var accounts: [AccountID: Account] = [:]
    public private(set) var balances: [BalanceKey: Amount] = [:]
    /// Recorded transactions, with the id of their reversal once one is recorded.
    public private(set) var transactions: [TransactionID: TransactionID?] = [:]
    /// How many fund actions of each kind were replayed.
    public private(set) var fundActions: [LogEntryKind: Int] = [:]
    /// API keys by id, with their revocation once recorded.
    public private(set) var keys: [String: APIKey] = [:]
    private var accountCodes: Set<AccountCode> = []
    /// The log's verifier keys in the order they were handed over (empty until the first
    /// hand-over, then the first key and each successor).
    public private(set) var logKeys: [String] = []

    public init() {}

    /// Applies one event; throws when it breaks a ledger rule given everything before it.
    public mutating func apply(_ event: LedgerEvent) throws(ReplayError) -> [BalanceSnapshot] {
        switch event {
        case .assetRegistered(let asset):
            guard assets[asset.code] == nil else { throw .violation("asset \(asset.code) registered twice") }
            assets[asset.code] = asset
            return []
        case .accountOpened(let account):
            guard accounts[account.id] == nil, !accountCodes.contains(account.code) else {
                throw .violation("account \(account.code) opened twice")
            }
            for asset in account.allowedAssets ?? [] where assets[asset] == nil {
                throw .violation("account \(account.code) allows unregistered \(asset)")
            }
            accounts[account.id] = account
            accountCodes.insert(account.code)
            return []
        case .accountClosed(let closing):
            guard let account = accounts[closing.id], account.code == closing.code else {
                throw .violation("closing unknown account \(closing.code)")
            }
            guard !account.isClosed else { throw .violation("account \(account.code) closed twice") }
            if balances.contains(where: { $0.key.accountID == account.id && !$0.value.isZero }) {
                throw .violation("account \(account.code) closed with a balance")
            }
            accounts[account.id] = Account(
                id: account.id, code: account.code, type: account.type, allowedAssets: account.allowedAssets,
                constraint: account.constraint, metadata: account.metadata, createdAt: account.createdAt,
                closedAt: closing.closedAt
            )
            return []
        case .transactionRecorded(let transaction):
            return try applyTransaction(transaction)
        case .fundAction(let action):
            for account in action.accountsOpened {
                _ = try apply(.accountOpened(account))
            }
            fundActions[action.kind, default: 0] += 1
            guard let transaction = action.transaction else { return [] }
            return try applyTransaction(transaction)
        case .keyCreated(let key):
            guard keys[key.id] == nil else { throw .violation("key \(key.id) created twice") }
            keys[key.id] = key
            return []
        case .keyRevoked(let key):
            guard let known = keys[key.id], known.revokedAt == nil else {
                throw .violation("revoking unknown or revoked key \(key.id)")
            }
            keys[key.id] = key
            return []
        case .logKeyRotated(let rotation):
            // The hand-over's signatures are the audit layer's (`LogAuditor`); the core
            // only keeps the keys in order, so a key is never handed over to twice.
            guard rotation.oldKey == logKeys.last ?? rotation.oldKey, !logKeys.contains(rotation.newKey) else {
                throw .violation("the log key hand-over does not follow the previous one")
            }
            if logKeys.isEmpty { logKeys.append(rotation.oldKey) }
            logKeys.append(rotation.newKey)
            return []
        }
    }

    private mutating func applyTransaction(_ transaction: LedgerTransaction) throws(ReplayError) -> [BalanceSnapshot] {
        guard transactions[transaction.id] == nil else {
            throw .violation("transaction \(transaction.id) recorded twice")
        }
        var sums: [AssetCode: Int64] = [:]
        for posting in transaction.postings {
            guard let account = accounts[posting.accountID], account.code == posting.accountCode else {
                throw .violation("transaction \(transaction.id) posts to unknown account \(posting.accountCode)")
            }
            guard !account.isClosed else {
                throw .violation("transaction \(transaction.id) posts to closed account \(account.code)")
            }
            guard assets[posting.asset] != nil, account.allows(posting.asset) else {
                throw .violation(
                    "transaction \(transaction.id) posts \(posting.asset) to \(account.code), which does not take it")
            }
            sums[posting.asset, default: 0] &+= posting.amount.minorUnits
        }
        if let unbalanced = sums.first(where: { $0.value != 0 }) {
            throw .violation("transaction \(transaction.id) does not balance in \(unbalanced.key)")
        }
        if let original = transaction.reversesID {
            guard let reversal = transactions[original] else {
                throw .violation("transaction \(transaction.id) reverses unknown \(original)")
            }
            guard reversal == nil else { throw .violation("transaction \(original) reversed twice") }
        }
        let changes: [BalanceChange]
        do {
            changes = try BalanceChange.changes(of: transaction)
        } catch {
            throw .violation("transaction \(transaction.id): \(error)")
        }
        var after: [BalanceKey: Amount] = [:]
        for change in changes {
            guard let account = accounts[change.key.accountID] else {
                preconditionFailure("accounts were checked above")
            }
            do {
                after[change.key] = try change.applied(to: balances[change.key] ?? .zero, account: account)
            } catch {
                throw .violation("transaction \(transaction.id): \(error)")
            }
        }
        balances.merge(after) { _, new in new }
        transactions[transaction.id] = .some(nil)
        if let original = transaction.reversesID { transactions[original] = .some(transaction.id) }
        return changes.map { change in
            BalanceSnapshot(key: change.key, accountCode: change.accountCode, balance: after[change.key] ?? .zero)
        }
    }
}

/// A rule the log's events break.
public enum ReplayError: Error, Hashable, Sendable, CustomStringConvertible {
    case violation(String)

    public var description: String {
        switch self {
        case .violation(let detail): detail
        }
    }
}
