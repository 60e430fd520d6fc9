/// One offending field in a request, named by its JSON path (`postings[1].amount`).
public struct FieldProblem: Hashable, Sendable {
    /// The field's path in the request, in JSON notation.
    public let field: String
    /// What is wrong with it, in plain words.
    public let detail: String

    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }
}

/// Every business reason the ledger refuses a change: a closed set, so the API maps
/// each case exactly once to a status and a stable code.
///
/// A rejection always means nothing was written.
public enum Rejection: Error, Hashable, Sendable {
    /// Fields are present and well-typed but break a rule (format, range, length).
    case invalidFields([FieldProblem])
    /// A transaction whose postings do not sum to zero for `asset`.
    case unbalanced(asset: AssetCode, sum: Int64)
    /// A posting names an account that does not exist.
    case unknownAccount(reference: String)
    /// A posting or an account names an asset that is not registered.
    case unknownAsset(code: String)
    /// A posting uses an asset its account does not allow.
    case assetNotAllowed(account: AccountCode, asset: AssetCode)
    /// A posting touches a closed account.
    case accountClosed(account: AccountCode)
    /// A posting would take a `no_negative` account below zero on its normal side.
    case balanceConstraintViolated(account: AccountCode, asset: AssetCode)
    /// A sum would leave the exactly representable range ±(2^53 − 1).
    case amountOverflow(account: AccountCode, asset: AssetCode)
    /// A report total for `asset` would overflow 64 bits.
    case totalOverflow(asset: AssetCode)
    /// An account cannot be closed while it holds a balance.
    case accountNotEmpty(account: AccountCode, asset: AssetCode)
    /// An asset with this code is already registered.
    case assetExists(code: AssetCode)
    /// An account with this code already exists.
    case accountExists(code: AccountCode)
    /// The account is already closed.
    case accountAlreadyClosed(account: AccountCode)
    /// The transaction has already been reversed (a transaction is reversed at most once).
    case alreadyReversed(transaction: TransactionID, reversal: TransactionID)
    /// The idempotency key was used before with a different request.
    case idempotencyKeyReused(key: String)
    /// The API key is already revoked.
    case keyAlreadyRevoked(id: String)
    /// A fund with this code already exists.
    case fundExists(code: String)
    /// The member's private data has already been erased.
    case privateDataErased(member: String)
    /// A disbursement's beneficiary name cannot be erased: already erased, a member
    /// (erased through the member), or recorded before names became private (in the log).
    case beneficiaryNotErasable(id: String, detail: String)
    /// A state asked to be registered as anonymous: a state is a public body and its
    /// country alone names it, so anonymity could not be kept.
    case anonymousState
    /// A reference in the request (member, fund, pledge) names nothing.
    case unknownReference(field: String, reference: String)
    /// A fund does not hold the asset.
    case assetNotInFund(fund: String, asset: AssetCode)
    /// The request's asset, member or fund does not match the pledge it names.
    case pledgeMismatch(field: String, detail: String)
    /// A contribution pays more than the pledge still needs.
    case overpayment(outstanding: Int64)
    /// Nothing is left to cancel on the pledge.
    case nothingOutstanding(pledge: String)
    /// The disbursement's state does not allow the step.
    case disbursementState(id: String, state: String, action: String)
    /// The cash adjustment's state does not allow the step.
    case cashAdjustmentState(id: String, state: String, action: String)
    /// The requester of a disbursement or a cash adjustment may never approve it.
    case selfApproval(id: String)
    /// The principal has already approved the disbursement.
    case alreadyApproved(id: String)
    /// The transaction belongs to a fund step; correct it through that step's route.
    case managedByFund(transaction: TransactionID, step: String)
    /// A raw transaction posts to an account a fund opened in a way only the fund's own
    /// steps may: out of its cash, or to its conversion, pledge, contribution or grant
    /// accounts; or a cash adjustment names a fund's account as its counter account.
    case fundAccount(account: AccountCode)
    /// A rate for this pair and date is already recorded.
    case rateExists(pair: String, date: String)
    /// Approving or paying a grant would use cash other approved grants hold: `available`
    /// (balance minus their holds) is less than the grant.
    case insufficientAvailable(account: AccountCode, asset: AssetCode, available: Int64)
    /// The books are closed through `through`: nothing dated `date` (on or before it) may
    /// be recorded; a correction is a reversal dated in the open period.
    case periodClosed(through: LocalDate, date: LocalDate)
    /// The named resource does not exist.
    case notFound(resource: String, reference: String)
    /// The change's audit-log entry would be longer than a C2SP tlog-tiles entry bundle
    /// can hold (65,535 bytes): fewer or shorter postings, names or metadata.
    case logEntryTooLarge(byteCount: Int)
}
