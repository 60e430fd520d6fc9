public import AuditLog
public import FundCore
public import LedgerCore

/// The book of record as the HTTP layer sees it: named writes, each one atomic and
/// durable before it returns, and reads that never wait on writes — every role below,
/// composed.
///
/// SQLite (`SQLiteLedgerStore`) is the default backend; a PostgreSQL backend implements
/// this protocol without touching the core or the routes. Methods throw `Rejection` for
/// business rule violations (nothing was written) and other errors for infrastructure
/// failures.
///
/// Split by role (`LedgerWrites`, `LedgerReads`, `FundWrites`, `FundReads`, `KeyStore`,
/// `LogReads`) so a caller that only reads names only what it uses.
public protocol LedgerStore: LedgerWrites, LedgerReads, FundWrites, FundReads, KeyStore, LogReads, WitnessedLog {}

/// What witnesses said of the log's checkpoints (C2SP tlog-witness): their cosignature
/// lines, kept beside the checkpoints, checked against the witnesses' keys when used.
public protocol WitnessedLog: Sendable {
    /// Records `witness`'s cosignature line of the checkpoint of `treeSize`; a second line
    /// from the same witness for the same size is ignored (the first is kept).
    func recordCosignature(treeSize: Int64, witness: String, line: String) async throws

    /// The newest checkpoints that have cosignatures, newest first, at most `limit`, each
    /// with its cosignature lines.
    func cosignedCheckpoints(limit: Int) async throws -> [CosignedCheckpoint]
}

/// The ledger's named writes: each one atomic (one database transaction, with its log
/// entry) and durable before it returns; a refusal is a `Rejection` and nothing was written.
public protocol LedgerWrites: Sendable {
    /// Registers an asset.
    func registerAsset(
        _ draft: AssetDraft, by principal: Principal, idempotency: Idempotency<Asset>?
    ) async throws -> WriteOutcome<Asset>

    /// Opens an account.
    func openAccount(
        _ draft: AccountDraft, by principal: Principal, idempotency: Idempotency<Account>?
    ) async throws -> WriteOutcome<Account>

    /// Closes an account whose balances are all zero.
    func closeAccount(
        _ reference: AccountReference, by principal: Principal, idempotency: Idempotency<Account>?
    ) async throws -> WriteOutcome<Account>

    /// Records a balanced transaction.
    func recordTransaction(
        _ draft: TransactionDraft, by principal: Principal, idempotency: Idempotency<LedgerTransaction>?
    ) async throws -> WriteOutcome<LedgerTransaction>

    /// Records many transactions in one database transaction, each with its own result
    /// (or all-or-nothing when `atomic`).
    func recordTransactions(
        _ items: [(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?)], atomic: Bool,
        by principal: Principal
    ) async throws -> [BatchItemOutcome]

    /// Records the reversal of transaction `id`, dated `date` (today when `nil`).
    func reverseTransaction(
        _ id: TransactionID, date: LocalDate?, description: String?, by principal: Principal,
        idempotency: Idempotency<LedgerTransaction>?
    ) async throws -> WriteOutcome<LedgerTransaction>
}

/// Reads of the ledger (assets, accounts, transactions, balances): never wait on writes.
public protocol LedgerReads: Sendable {
    /// The asset with `code`, if registered.
    func asset(_ code: AssetCode) async throws -> Asset?

    /// Assets in code order, after the cursor.
    func assets(page: PageRequest) async throws -> Page<Asset>

    /// The account named by `reference`, if it exists.
    func account(_ reference: AccountReference) async throws -> Account?

    /// Accounts in opening order, after the cursor.
    func accounts(page: PageRequest) async throws -> Page<Account>

    /// The transaction with `id`, if recorded.
    func transaction(_ id: TransactionID) async throws -> LedgerTransaction?

    /// Transactions in (date, recording) order, filtered and after the cursor.
    func transactions(filter: TransactionFilter, page: PageRequest) async throws -> Page<LedgerTransaction>

    /// An account's balances per asset, current or at the end of `asOf`; `nil` for an unknown account.
    func balances(of reference: AccountReference, asOf: LocalDate?) async throws -> AccountBalances?

    /// An account's postings in (asset, date, recording) order with their running balance;
    /// `nil` for an unknown account.
    func register(
        of reference: AccountReference, filter: RegisterFilter, page: PageRequest
    ) async throws -> Page<RegisterLine>?

    /// Every non-zero balance, current or at the end of `asOf`, with debit and credit totals per asset.
    func trialBalance(asOf: LocalDate?) async throws -> TrialBalance

    /// Throws unless the store can serve reads and writes.
    func checkReadiness() async throws
}

/// The fund's steps (members, funds, pledges, contributions, disbursements, cash
/// adjustments, conversions, rates): each one write, atomic and durable, logged as a fund event.
public protocol FundWrites: Sendable {
    /// Registers a member; private data is kept apart and committed to in the log.
    func registerMember(
        _ draft: MemberDraft, by principal: Principal, idempotency: Idempotency<MemberView>?
    ) async throws -> WriteOutcome<MemberView>

    /// Erases a member's private data; the commitment and the log stay verifiable.
    func erasePrivateData(of id: MemberID, by principal: Principal) async throws -> MemberView

    /// Creates a fund and opens its standing accounts.
    func createFund(
        _ draft: FundDraft, by principal: Principal, idempotency: Idempotency<Fund>?
    ) async throws -> WriteOutcome<Fund>

    /// Records a pledge: its receivable against the member's contribution income.
    func makePledge(
        _ draft: PledgeDraft, by principal: Principal, idempotency: Idempotency<PledgeView>?
    ) async throws -> WriteOutcome<PledgeView>

    /// Writes off a pledge's unpaid rest, with a reason.
    func cancelPledge(
        _ id: PledgeID, reason: String, by principal: Principal, idempotency: Idempotency<PledgeView>?
    ) async throws -> WriteOutcome<PledgeView>

    /// Records money received from a member, against a pledge or not.
    func recordContribution(
        _ draft: ContributionDraft, by principal: Principal, idempotency: Idempotency<ContributionView>?
    ) async throws -> WriteOutcome<ContributionView>

    /// Records a request for a grant (no money moves yet).
    func requestDisbursement(
        _ draft: DisbursementDraft, by principal: Principal, idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView>

    /// Approves, rejects, pays or cancels a disbursement; the approval that completes it
    /// holds its amount in the fund's cash, until `holdExpiresAt` when given.
    func takeDisbursementStep(
        _ id: DisbursementID, _ kind: DisbursementStep.Kind, reason: String?, holdExpiresAt: Timestamp?,
        by principal: Principal, idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView>

    /// Releases every hold past its expiry (one logged entry each); returns how many.
    func expireHolds() async throws -> Int

    /// Erases the private name of a disbursement's beneficiary; the commitment stays.
    func eraseBeneficiary(of id: DisbursementID, by principal: Principal) async throws -> DisbursementView

    /// Asks to take money out of a fund's cash to an account outside every fund (a bank
    /// fee, a correction): posted at once up to the fund's limit, otherwise on approval.
    func requestCashAdjustment(
        fund reference: String, _ draft: CashAdjustmentDraft, by principal: Principal,
        idempotency: Idempotency<CashAdjustmentView>?
    ) async throws -> WriteOutcome<CashAdjustmentView>

    /// Approves (posts) or rejects a waiting cash adjustment; never by its requester.
    func takeCashAdjustmentStep(
        _ id: CashAdjustmentID, _ kind: CashAdjustmentStep.Kind, reason: String?, by principal: Principal,
        idempotency: Idempotency<CashAdjustmentView>?
    ) async throws -> WriteOutcome<CashAdjustmentView>

    /// Converts a fund's cash from one asset to another, through its conversion account.
    func recordConversion(
        fund reference: String, fromAsset: String, fromAmount: Int64, toAsset: String, toAmount: Int64, date: String,
        by principal: Principal, idempotency: Idempotency<ConversionView>?
    ) async throws -> WriteOutcome<ConversionView>

    /// Records an exchange rate for reporting (never changes ledger amounts).
    func recordExchangeRate(
        base: String, quote: String, date: String, rate: String, by principal: Principal,
        idempotency: Idempotency<ExchangeRate>?
    ) async throws -> WriteOutcome<ExchangeRate>

    /// Closes the books through a day (`PeriodClosing`): nothing dated on or before it may
    /// be recorded afterwards.
    func closePeriod(
        through: String, by principal: Principal, idempotency: Idempotency<PeriodClosing>?
    ) async throws -> WriteOutcome<PeriodClosing>

    /// Every period closing, oldest first.
    func periodClosings() async throws -> [PeriodClosing]
}

extension LedgerStore {
    /// A step without a hold expiry.
    public func takeDisbursementStep(
        _ id: DisbursementID, _ kind: DisbursementStep.Kind, reason: String?, by principal: Principal,
        idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView> {
        try await takeDisbursementStep(
            id, kind, reason: reason, holdExpiresAt: nil, by: principal, idempotency: idempotency)
    }
}

/// Reads of the fund's domain: members, funds and the state of their steps.
public protocol FundReads: Sendable {
    /// The member with `id`, with private data unless erased.
    func member(_ id: MemberID) async throws -> MemberView?

    /// Members in id order, after the cursor.
    func members(page: PageRequest) async throws -> Page<MemberView>

    /// The fund with this id or code.
    func fund(_ reference: String) async throws -> Fund?

    /// Funds in creation order, after the cursor.
    func funds(page: PageRequest) async throws -> Page<Fund>

    /// The pledge with its status as of today.
    func pledge(_ id: PledgeID) async throws -> PledgeView?

    /// Pledges in creation order, filtered, after the cursor.
    func pledges(filter: PledgeFilter, page: PageRequest) async throws -> Page<PledgeView>

    /// The contribution with `id`.
    func contribution(_ id: ContributionID) async throws -> ContributionView?

    /// Contributions in recording order, filtered, after the cursor.
    func contributions(filter: ContributionFilter, page: PageRequest) async throws -> Page<ContributionView>

    /// The disbursement with its steps and state.
    func disbursement(_ id: DisbursementID) async throws -> DisbursementView?

    /// Disbursements in request order, filtered, after the cursor.
    func disbursements(filter: DisbursementFilter, page: PageRequest) async throws -> Page<DisbursementView>

    /// The cash adjustment with its steps and state.
    func cashAdjustment(_ id: CashAdjustmentID) async throws -> CashAdjustmentView?

    /// Cash adjustments in request order, filtered, after the cursor.
    func cashAdjustments(filter: CashAdjustmentFilter, page: PageRequest) async throws -> Page<CashAdjustmentView>

    /// Recorded rates, optionally for one base and/or quote.
    func exchangeRates(base: AssetCode?, quote: AssetCode?) async throws -> [ExchangeRate]
}

/// API keys and the people who hold them: issue, list, revoke, authenticate.
public protocol KeyStore: Sendable {
    /// Issues a key held by `holder` (a new person or an existing one); returns it with its
    /// token, which is never stored or shown again.
    func createKey(
        name: String, role: Role, holder: KeyHolder, expiresAt: Timestamp?, by principal: Principal
    ) async throws -> (key: APIKey, token: String)

    /// Issues the first admin key if no key was ever created (`nil` if one was): once per
    /// database, however many servers start on it together.
    func createFirstAdminKey() async throws -> (key: APIKey, token: String)?

    /// Everyone who holds or held a key, with their names (for admins only).
    func people() async throws -> [Person]

    /// Every key, in creation order.
    func keys() async throws -> [APIKey]

    /// Revokes a key; it is refused from then on.
    func revokeKey(id: String, by principal: Principal) async throws -> APIKey

    /// The active key a bearer token belongs to, or `nil` (unknown, malformed, revoked, expired).
    func authenticate(token: String) async throws -> APIKey?
}

/// Reads of the audit log: entries, signed checkpoints and proofs, and the private
/// records auditors' reports need.
public protocol LogReads: Sendable {
    /// The verifier key (C2SP vkey text) of the log's checkpoint signer.
    var logVerifierKey: String { get }

    /// The newest signed checkpoint, `nil` before the first change.
    func latestCheckpoint() async throws -> StoredCheckpoint?

    /// Signed checkpoints in tree-size order, after the cursor.
    func checkpoints(page: PageRequest) async throws -> Page<StoredCheckpoint>

    /// Entries from `start` up to `end` (exclusive, clamped to the log), at most `limit`.
    func logEntries(start: Int64, end: Int64?, limit: Int) async throws -> LogEntryPage

    /// The signed checkpoint stored for exactly `treeSize` entries, if one was signed.
    func checkpoint(treeSize: Int64) async throws -> StoredCheckpoint?

    /// Members' private records (erased ones are gone) — anonymous members' names and
    /// profiles — for auditor reports; never part of the log.
    func privateMemberData() async throws -> [MemberID: MemberPrivateData]

    /// RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries.
    func inclusionProof(index: Int64, treeSize: Int64) async throws -> [Hash]

    /// RFC 9162 consistency proof between two tree sizes.
    func consistencyProof(first: Int64, second: Int64) async throws -> [Hash]

    /// A transaction's entry with its inclusion proof against the latest checkpoint.
    func transactionProof(_ id: TransactionID) async throws -> TransactionProof?

    /// A tile of the log as C2SP tlog-tiles serves it — its hashes concatenated, or its
    /// entry bundle — or `nil` when the log does not hold everything the tile covers.
    func tile(_ tile: LogTile) async throws -> [UInt8]?
}


/// What a write did: applied now, or replayed from an earlier request with the same
/// idempotency key (in which case nothing was written).
public enum WriteOutcome<Value: Sendable>: Sendable {
    case applied(Value)
    case replayed(StoredResponse)
}

/// The response recorded with an idempotency key, replayed byte for byte.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// An idempotency key claimed by a write, with what is needed to answer a replay.
///
/// The response is rendered inside the write's database transaction and stored with the
/// key, so the key and the change it guards are durable together or not at all.
public struct Idempotency<Value: Sendable>: Sendable {
    /// The client's `Idempotency-Key`.
    public let key: String
    /// SHA-256 of the request (method, path, body); a different request under the same
    /// key is a conflict.
    public let fingerprint: [UInt8]
    /// Renders the response to store for a newly applied write.
    public let render: @Sendable (Value) throws -> StoredResponse

    public init(key: String, fingerprint: [UInt8], render: @escaping @Sendable (Value) throws -> StoredResponse) {
        precondition(fingerprint.count == 32, "fingerprints are SHA-256 digests")
        self.key = key
        self.fingerprint = fingerprint
        self.render = render
    }
}

/// A page request: at most `limit` items after the opaque `cursor`.
public struct PageRequest: Sendable, Equatable {
    public let limit: Int
    public let cursor: PageCursor?

    public init(limit: Int, cursor: PageCursor?) {
        precondition((1...Limits.pageSizeMax).contains(limit), "page size is validated at the edge")
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of items and the cursor of the next page, `nil` on the last page.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// An opaque position in a list: the sort key of the last item served.
///
/// Clients see it as URL-safe base64 text and must not build it themselves; a cursor
/// that does not decode, or belongs to another list, is rejected as a bad parameter.
public struct PageCursor: Sendable, Equatable {
    /// The sort key's fields, in order.
    public let fields: [String]

    public init(fields: [String]) {
        self.fields = fields
    }

    /// The cursor as URL-safe base64 (no padding) of its fields joined by a newline.
    public var encoded: String {
        Base64URL.encode(Array(fields.joined(separator: "\n").utf8))
    }

    /// Decodes a cursor from its text form; `nil` when it is not one.
    public init?(encoded text: String) {
        guard text.utf8.count <= 512, let bytes = Base64URL.decode(text) else { return nil }
        guard let string = String(validating: bytes, as: UTF8.self) else { return nil }
        fields = string.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// Which transactions a list returns.
public struct TransactionFilter: Sendable, Equatable {
    /// Only transactions with a posting on this account.
    public var account: AccountReference?
    /// Only transactions dated on or after this date.
    public var from: LocalDate?
    /// Only transactions dated on or before this date.
    public var to: LocalDate?

    public init(account: AccountReference? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.account = account
        self.from = from
        self.to = to
    }
}

/// Which postings a register returns.
public struct RegisterFilter: Sendable, Equatable {
    public var asset: AssetCode?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(asset: AssetCode? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.asset = asset
        self.from = from
        self.to = to
    }
}

/// An account's balance in each asset it has postings in.
public struct AccountBalances: Sendable, Equatable {
    public let account: Account
    public let asOf: LocalDate?
    public let balances: [Line]

    /// One asset's balance; for a fund's cash today, what approved grants hold of it.
    public struct Line: Sendable, Equatable {
        public let asset: AssetCode
        public let balance: Amount
        /// What approved grants hold (fund cash, current balances only; otherwise `nil`).
        public let held: Int64?

        public init(asset: AssetCode, balance: Amount, held: Int64? = nil) {
            self.asset = asset
            self.balance = balance
            self.held = held
        }
    }

    public init(account: Account, asOf: LocalDate?, balances: [Line]) {
        self.account = account
        self.asOf = asOf
        self.balances = balances
    }
}

/// One posting in an account's register, with the balance after it in date order.
public struct RegisterLine: Sendable, Equatable {
    public let transactionID: TransactionID
    public let date: LocalDate
    public let description: String
    public let asset: AssetCode
    public let amount: Amount
    /// The account's balance in `asset` after this posting, postings ordered by date and
    /// then by recording order.
    public let runningBalance: Int64
}

extension KeyStore {
    /// Issues a key for a new person named like the key: how keys were made before
    /// people existed (the demo, the first admin key, tests).
    public func createKey(
        name: String, role: Role, expiresAt: Timestamp?, by principal: Principal
    ) async throws -> (key: APIKey, token: String) {
        try await createKey(name: name, role: role, holder: .newPerson(name: name), expiresAt: expiresAt, by: principal)
    }
}
