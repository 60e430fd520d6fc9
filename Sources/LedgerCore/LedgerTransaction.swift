/// A balanced, immutable set of postings: the ledger's unit of change.
///
/// Named so it can never be confused with a database transaction. Once recorded it is
/// never edited or deleted; a mistake is corrected by a reversal, a mirror transaction
/// linked to the original.
public struct LedgerTransaction: Hashable, Sendable {
    public let id: TransactionID
    /// The effective (accounting) date.
    public let date: LocalDate
    public let description: String
    public let metadata: JSONValue
    public let postings: [Posting]
    /// When the server recorded it.
    public let recordedAt: Timestamp
    /// The transaction this one reverses, if it is a reversal.
    public let reversesID: TransactionID?
    /// The reversal of this transaction, once one is recorded. The only fact about a
    /// transaction that appears after it is written, and it is stored with the reversal.
    public let reversedByID: TransactionID?

    public init(
        id: TransactionID, date: LocalDate, description: String, metadata: JSONValue, postings: [Posting],
        recordedAt: Timestamp, reversesID: TransactionID?, reversedByID: TransactionID?
    ) {
        precondition(postings.count >= Limits.postingsMin, "a transaction has at least two postings")
        self.id = id
        self.date = date
        self.description = description
        self.metadata = metadata
        self.postings = postings
        self.recordedAt = recordedAt
        self.reversesID = reversesID
        self.reversedByID = reversedByID
    }

    /// The mirror transaction that cancels this one: every amount negated, same accounts.
    ///
    /// It still balances (a negated zero sum is zero) and is linked back by `reversesID`.
    public func reversal(
        id: TransactionID, date: LocalDate, description: String?, recordedAt: Timestamp
    ) -> LedgerTransaction {
        let postings = postings.map {
            Posting(accountID: $0.accountID, accountCode: $0.accountCode, asset: $0.asset, amount: $0.amount.negated)
        }
        return LedgerTransaction(
            id: id, date: date, description: description ?? "Reversal of \(self.id)", metadata: .object([:]),
            postings: postings, recordedAt: recordedAt, reversesID: self.id, reversedByID: nil
        )
    }
}

/// A request to record a transaction, as received at the edge and not yet validated.
public struct TransactionDraft: Sendable, Equatable {
    public var date: String
    public var description: String?
    public var metadata: JSONValue?
    public var postings: [PostingDraft]

    public init(date: String, description: String? = nil, metadata: JSONValue? = nil, postings: [PostingDraft]) {
        self.date = date
        self.description = description
        self.metadata = metadata
        self.postings = postings
    }

    /// The draft with every stateless rule checked: fields well-formed, amounts non-zero
    /// and in range, at least two postings, each asset summing to exactly zero.
    ///
    /// Field problems are reported all at once; balance is checked only once the fields are sound.
    public func checked() throws(Rejection) -> CheckedTransactionDraft {
        var problems: [FieldProblem] = []
        let date = LocalDate(self.date)
        if date == nil {
            problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD"))
        }
        let description = self.description ?? ""
        if let problem = TextRules.problem(
            in: description, field: "description", lengthMax: Limits.descriptionLengthMax, allowsEmpty: true
        ) {
            problems.append(problem)
        }
        let metadata = self.metadata ?? .object([:])
        problems += MetadataRules.problems(in: metadata, field: "metadata")
        if postings.count < Limits.postingsMin || postings.count > Limits.postingsMax {
            problems.append(
                .init(
                    field: "postings",
                    detail: "must hold between \(Limits.postingsMin) and \(Limits.postingsMax) postings"))
        }
        var checkedPostings: [CheckedTransactionDraft.Posting] = []
        for (index, posting) in postings.prefix(Limits.postingsMax).enumerated() {
            let reference = AccountReference(posting.account)
            if reference == nil {
                problems.append(.init(field: "postings[\(index)].account", detail: "must be an account code or id"))
            }
            let asset = AssetCode(posting.asset)
            if asset == nil {
                problems.append(.init(field: "postings[\(index)].asset", detail: "must match [A-Z0-9_]{2,16}"))
            }
            let amount = Amount(minorUnits: posting.amount)
            if amount == nil {
                problems.append(
                    .init(field: "postings[\(index)].amount", detail: "must be within ±9007199254740991 minor units"))
            } else if posting.amount == 0 {
                problems.append(.init(field: "postings[\(index)].amount", detail: "must not be zero"))
            }
            if let reference, let asset, let amount, !amount.isZero {
                checkedPostings.append(.init(account: reference, asset: asset, amount: amount))
            }
        }
        guard problems.isEmpty, let date else { throw .invalidFields(problems) }

        // At most `postingsMax` amounts of magnitude < 2^53 each: the running sum stays far
        // inside Int64, so overflow here would be a programmer error.
        var sums: [AssetCode: Int64] = [:]
        for posting in checkedPostings {
            let (sum, overflow) = sums[posting.asset, default: 0].addingReportingOverflow(posting.amount.minorUnits)
            precondition(!overflow, "posting sums are bounded by postingsMax × 2^53")
            sums[posting.asset] = sum
        }
        if let (asset, sum) = sums.filter({ $0.value != 0 }).min(by: { $0.key < $1.key }) {
            throw .unbalanced(asset: asset, sum: sum)
        }
        return CheckedTransactionDraft(
            date: date, description: description, metadata: metadata, postings: checkedPostings)
    }
}

/// A transaction draft whose stateless rules hold; what remains to check needs the
/// ledger's accounts, assets and balances.
public struct CheckedTransactionDraft: Sendable, Equatable {
    public let date: LocalDate
    public let description: String
    public let metadata: JSONValue
    public let postings: [Posting]

    /// A posting whose account reference, asset code and amount are well-formed.
    public struct Posting: Sendable, Equatable {
        public let account: AccountReference
        public let asset: AssetCode
        public let amount: Amount
    }

    /// Every account reference the draft uses, without repeats, in first-use order.
    public var accountReferences: [AccountReference] {
        var seen: Set<AccountReference> = []
        return postings.map(\.account).filter { seen.insert($0).inserted }
    }

    /// Binds the draft to the ledger's accounts and assets, rejecting unknown accounts,
    /// unknown assets, closed accounts and assets an account does not allow.
    public func resolved(
        id: TransactionID, recordedAt: Timestamp,
        accounts: [AccountReference: Account], registeredAssets: Set<AssetCode>
    ) throws(Rejection) -> LedgerTransaction {
        var result: [LedgerCore.Posting] = []
        for posting in postings {
            guard let account = accounts[posting.account] else {
                throw .unknownAccount(reference: posting.account.description)
            }
            guard registeredAssets.contains(posting.asset) else {
                throw .unknownAsset(code: posting.asset.rawValue)
            }
            guard !account.isClosed else { throw .accountClosed(account: account.code) }
            guard account.allows(posting.asset) else {
                throw .assetNotAllowed(account: account.code, asset: posting.asset)
            }
            result.append(
                LedgerCore.Posting(
                    accountID: account.id, accountCode: account.code, asset: posting.asset, amount: posting.amount))
        }
        return LedgerTransaction(
            id: id, date: date, description: description, metadata: metadata, postings: result,
            recordedAt: recordedAt, reversesID: nil, reversedByID: nil
        )
    }
}
