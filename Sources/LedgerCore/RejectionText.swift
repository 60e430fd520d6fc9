/// How a rejection reads to whoever sent the refused request: its stable snake_case code
/// (listed in the OpenAPI document, never renamed), a title that is the same for every
/// occurrence, this occurrence's detail, the offending fields, and what kind of refusal it
/// is. The one table of rejection codes: the HTTP layer turns `kind` into a status, the
/// importer writes `code` and `detail` into its rejected-lines report.
public struct RejectionText: Hashable, Sendable {
    /// What kind of refusal: the HTTP layer maps each to one status.
    public enum Kind: Hashable, Sendable {
        /// The request breaks a rule (HTTP 422).
        case unprocessable
        /// The request conflicts with the book's state (HTTP 409).
        case conflict
        /// The request names something that does not exist (HTTP 404).
        case notFound
    }

    public let kind: Kind
    public let code: String
    public let title: String
    public let detail: String
    public let errors: [FieldProblem]

    public init(kind: Kind, code: String, title: String, detail: String, errors: [FieldProblem] = []) {
        self.kind = kind
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
    }
}

extension Rejection {
    /// The rejection's code, title and detail: the one place each case is explained,
    /// grouped by what the request ran into (each group one short switch).
    public var text: RejectionText {
        switch self {
        case .invalidFields, .unbalanced, .unknownAccount, .unknownAsset, .assetNotAllowed, .accountClosed,
             .balanceConstraintViolated, .amountOverflow, .totalOverflow:
            return postingText
        case .accountNotEmpty, .assetExists, .accountExists, .accountAlreadyClosed, .alreadyReversed,
             .idempotencyKeyReused, .keyAlreadyRevoked, .notFound, .logEntryTooLarge:
            return bookText
        case .fundExists, .privateDataErased, .beneficiaryNotErasable, .anonymousState, .unknownReference,
             .assetNotInFund, .pledgeMismatch, .managedByFund, .fundAccount:
            return fundText
        case .overpayment, .nothingOutstanding, .disbursementState, .selfApproval, .alreadyApproved,
             .cashAdjustmentState, .rateExists, .periodClosed, .insufficientAvailable:
            return fundStepText
        }
    }

    /// A posting or transaction breaks the ledger's rules (validation, balances, accounts, assets).
    private var postingText: RejectionText {
        switch self {
        case .invalidFields(let problems):
            return RejectionText(
                kind: .unprocessable, code: "validation_failed", title: "Fields break the ledger's rules",
                detail: problems.map { "\($0.field): \($0.detail)" }.joined(separator: "; "), errors: problems
            )
        case .unbalanced(let asset, let sum):
            return RejectionText(
                kind: .unprocessable, code: "unbalanced", title: "The postings do not balance",
                detail: "postings in \(asset) sum to \(sum) minor units; each asset must sum to exactly zero"
            )
        case .unknownAccount(let reference):
            return RejectionText(
                kind: .unprocessable, code: "unknown_account", title: "A posting names an unknown account",
                detail: "no account \(reference)"
            )
        case .unknownAsset(let code):
            return RejectionText(
                kind: .unprocessable, code: "unknown_asset", title: "An asset is not registered",
                detail: "no asset \(code); register it with POST /v1/assets first"
            )
        case .assetNotAllowed(let account, let asset):
            return RejectionText(
                kind: .unprocessable, code: "asset_not_allowed", title: "The account does not accept this asset",
                detail: "account \(account) does not allow \(asset)"
            )
        case .accountClosed(let account):
            return RejectionText(
                kind: .unprocessable, code: "account_closed", title: "The account is closed",
                detail: "account \(account) is closed and accepts no postings"
            )
        case .balanceConstraintViolated(let account, let asset):
            return RejectionText(
                kind: .unprocessable, code: "balance_constraint_violated",
                title: "The transaction would break a balance constraint",
                detail: "account \(account) may not go below zero in \(asset) on its normal side, on any date"
            )
        case .amountOverflow(let account, let asset):
            return RejectionText(
                kind: .unprocessable, code: "amount_overflow", title: "A balance would overflow",
                detail: "the balance of \(account) in \(asset) would leave ±9007199254740991 minor units"
            )
        case .totalOverflow(let asset):
            return RejectionText(
                kind: .unprocessable, code: "amount_overflow", title: "A balance would overflow",
                detail: "the totals in \(asset) exceed 64 bits"
            )
        default:
            preconditionFailure("\(self) is explained by another group of `text`")
        }
    }

    /// The request conflicts with the book's state, or names what it does not hold.
    private var bookText: RejectionText {
        switch self {
        case .accountNotEmpty(let account, let asset):
            return RejectionText(
                kind: .unprocessable, code: "account_not_empty", title: "The account still holds a balance",
                detail: "account \(account) holds a non-zero \(asset) balance; move it before closing"
            )
        case .assetExists(let code):
            return RejectionText(
                kind: .conflict, code: "asset_exists", title: "The asset already exists",
                detail: "asset \(code) is already registered"
            )
        case .accountExists(let code):
            return RejectionText(
                kind: .conflict, code: "account_exists", title: "The account already exists",
                detail: "account \(code) already exists"
            )
        case .accountAlreadyClosed(let account):
            return RejectionText(
                kind: .conflict, code: "account_already_closed", title: "The account is already closed",
                detail: "account \(account) is already closed"
            )
        case .alreadyReversed(let transaction, let reversal):
            return RejectionText(
                kind: .conflict, code: "already_reversed", title: "The transaction is already reversed",
                detail: "transaction \(transaction) was reversed by \(reversal); a transaction is reversed at most once"
            )
        case .idempotencyKeyReused(let key):
            return RejectionText(
                kind: .conflict, code: "idempotency_key_reused",
                title: "The idempotency key was used for another request",
                detail: "Idempotency-Key \(key) was first used with a different method, path or body"
            )
        case .keyAlreadyRevoked(let id):
            return RejectionText(
                kind: .conflict, code: "key_already_revoked", title: "The key is already revoked",
                detail: "key \(id) is already revoked"
            )
        case .notFound(let resource, let reference):
            return RejectionText(
                kind: .notFound, code: "not_found", title: "The resource does not exist",
                detail: "no \(resource) \(reference)"
            )
        case .logEntryTooLarge(let byteCount):
            return RejectionText(
                kind: .unprocessable, code: "log_entry_too_large", title: "The audit-log entry would be too long",
                detail: "the change's log entry would be \(byteCount) bytes; a log entry holds at most 65535 "
                    + "(a tlog-tiles entry bundle's limit): use fewer or shorter postings, names or metadata"
            )
        default:
            preconditionFailure("\(self) is explained by another group of `text`")
        }
    }

    /// The fund's members, funds and the ledger's protection of their accounts.
    private var fundText: RejectionText {
        switch self {
        case .fundExists(let code):
            return RejectionText(
                kind: .conflict, code: "fund_exists", title: "The fund already exists",
                detail: "fund \(code) already exists"
            )
        case .privateDataErased(let member):
            return RejectionText(
                kind: .conflict, code: "private_data_erased", title: "The private data is already erased",
                detail: "member \(member)'s private data was erased before"
            )
        case .beneficiaryNotErasable(let id, let detail):
            return RejectionText(
                kind: .conflict, code: "beneficiary_not_erasable", title: "The beneficiary's name cannot be erased",
                detail: "disbursement \(id): \(detail)"
            )
        case .anonymousState:
            return RejectionText(
                kind: .unprocessable, code: "state_cannot_be_anonymous", title: "A state cannot be anonymous",
                detail: "a state is a public body and its country names it: register it as public",
                errors: [FieldProblem(field: "visibility", detail: "must be public for a state")]
            )
        case .unknownReference(let field, let reference):
            return RejectionText(
                kind: .unprocessable, code: "unknown_reference",
                title: "The request names something that does not exist",
                detail: "\(field): no \(reference)", errors: [FieldProblem(field: field, detail: "names nothing")]
            )
        case .assetNotInFund(let fund, let asset):
            return RejectionText(
                kind: .unprocessable, code: "asset_not_in_fund", title: "The fund does not hold this asset",
                detail: "fund \(fund) holds no \(asset)"
            )
        case .pledgeMismatch(let field, let detail):
            return RejectionText(
                kind: .unprocessable, code: "pledge_mismatch", title: "The contribution does not match its pledge",
                detail: "\(field) \(detail)", errors: [FieldProblem(field: field, detail: detail)]
            )
        case .managedByFund(let transaction, let step):
            return RejectionText(
                kind: .conflict, code: "managed_by_fund", title: "The transaction belongs to a fund step",
                detail: "transaction \(transaction) records a \(step); correct it through the fund's own routes (a "
                    + "pledge is cancelled, a disbursement cancelled, a conversion converted back)"
            )
        case .fundAccount(let account):
            return RejectionText(
                kind: .unprocessable, code: "fund_account", title: "The account is kept by the fund's own steps",
                detail: "\(account) is a fund's account: only the fund's own steps take money out of its cash or post "
                    + "to its conversion, pledge, contribution or grant accounts; record the step through /v1/pledges, "
                    + "/v1/contributions, /v1/disbursements, /v1/funds/{id}/conversions or "
                    + "/v1/funds/{id}/cash-adjustments"
            )
        default:
            preconditionFailure("\(self) is explained by another group of `text`")
        }
    }

    /// The fund's steps: pledges, contributions, four-eyes disbursements and adjustments, rates.
    private var fundStepText: RejectionText {
        switch self {
        case .overpayment(let outstanding):
            return RejectionText(
                kind: .unprocessable, code: "overpayment", title: "The contribution pays more than is outstanding",
                detail: "the pledge needs \(outstanding) more minor units; send split_excess: true to keep the rest as "
                    + "an unpledged contribution"
            )
        case .nothingOutstanding(let pledge):
            return RejectionText(
                kind: .unprocessable, code: "nothing_outstanding", title: "Nothing is left to cancel",
                detail: "pledge \(pledge) has nothing outstanding"
            )
        case .disbursementState(let id, let state, let action):
            return RejectionText(
                kind: .conflict, code: "invalid_disbursement_state",
                title: "The disbursement cannot take this step now",
                detail: "disbursement \(id) is \(state); it cannot \(action)"
            )
        case .selfApproval(let id):
            return RejectionText(
                kind: .unprocessable, code: "self_approval", title: "A requester cannot approve their own request",
                detail: "\(Rejection.stepSubject(id)) \(id) was requested by this key's person (with this key or "
                    + "another of theirs); another person must approve it"
            )
        case .alreadyApproved(let id):
            return RejectionText(
                kind: .conflict, code: "already_approved", title: "This person already approved",
                detail: "disbursement \(id) needs its second approval from a different person, not another key of the "
                    + "same person"
            )
        case .cashAdjustmentState(let id, let state, let action):
            return RejectionText(
                kind: .conflict, code: "invalid_cash_adjustment_state",
                title: "The cash adjustment cannot take this step now",
                detail: "cash adjustment \(id) is \(state); it cannot \(action)"
            )
        case .rateExists(let pair, let date):
            return RejectionText(
                kind: .conflict, code: "rate_exists", title: "A rate is already recorded",
                detail: "\(pair) on \(date) is already recorded; rates are never changed"
            )
        case .insufficientAvailable(let account, let asset, let available):
            return RejectionText(
                kind: .unprocessable, code: "insufficient_available",
                title: "Approved grants already hold this cash",
                detail: "\(account) has \(available) minor units of \(asset) that no approved grant holds; this grant "
                    + "needs more. Wait for cash, or cancel or reject another grant to release its hold"
            )
        case .periodClosed(let through, let date):
            return RejectionText(
                kind: .unprocessable, code: "period_closed", title: "The period is closed",
                detail: "the books are closed through \(through); nothing dated \(date) may be recorded. A correction "
                    + "is a reversal dated after \(through)"
            )
        default:
            preconditionFailure("\(self) is explained by another group of `text`")
        }
    }

    /// What a four-eyes step acts on, named from its id's prefix.
    static func stepSubject(_ id: String) -> String {
        id.hasPrefix("adj_") ? "cash adjustment" : "disbursement"
    }
}
