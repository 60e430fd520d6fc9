public import LedgerCore

extension FundEvent {
    /// Reads a fund step's details back: the one decoder, the inverse of `details`.
    /// Throws `LogEntryError.malformed` for a kind that is not a fund step and for any
    /// member missing or of the wrong form; never traps, whatever the log holds.
    public init(kind: LogEntryKind, details: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(details, context: "\(kind) details")
        switch kind {
        case .memberRegistered: self = .memberRegistered(try Self.member(fields))
        case .memberPrivateDataErased: self = .memberPrivateDataErased(try Self.erasure(fields))
        case .fundCreated: self = .fundCreated(try Self.fund(fields))
        case .pledgeMade: self = .pledgeMade(try Self.pledge(fields))
        case .pledgeCancelled:
            self = .pledgeCancelled(
                PledgeCancellation(
                    pledgeID: try fields.identifier("id"), reason: try fields.string("reason"),
                    cancelledAt: try fields.timestamp("cancelled_at")
                ))
        case .contributionReceived: self = .contributionReceived(try Self.contribution(fields))
        case .disbursementRequested: self = .disbursementRequested(try Self.disbursementRequest(fields))
        case .disbursementApproved, .disbursementRejected, .disbursementPaid, .disbursementCancelled:
            let step: LoggedStep<DisbursementID, DisbursementStep.Kind> = try Self.step(fields)
            guard Self.entryKind(of: step.kind) == kind else { throw .malformed("\(kind): step kind \(step.kind)") }
            self = .disbursementStep(step)
        case .disbursementBeneficiaryErased: self = .disbursementBeneficiaryErased(try Self.erasure(fields))
        case .conversionRecorded: self = .conversionRecorded(try Self.conversion(fields))
        case .exchangeRateRecorded: self = .exchangeRateRecorded(try Self.exchangeRate(fields))
        case .cashAdjustmentRequested: self = .cashAdjustmentRequested(try Self.cashAdjustmentRequest(fields))
        case .cashAdjustmentApproved, .cashAdjustmentRejected:
            let step: LoggedStep<CashAdjustmentID, CashAdjustmentStep.Kind> = try Self.step(fields)
            guard Self.entryKind(of: step.kind) == kind else { throw .malformed("\(kind): step kind \(step.kind)") }
            self = .cashAdjustmentStep(step)
        case .periodClosed: self = .periodClosed(try Self.periodClosing(fields))
        case .disbursementHoldExpired:
            self = .disbursementHoldExpired(
                HoldExpiry(id: try fields.identifier("id"), expiredAt: try fields.timestamp("expired_at")))
        case .assetRegistered, .accountOpened, .accountClosed, .transactionRecorded, .transactionReversed,
            .keyCreated, .keyRevoked, .logKeyRotated:
            throw .malformed("\(kind) is a ledger entry, not a fund step")
        }
    }

    /// A member: kind, country and region all present (the row holds a profile) or all
    /// null; a public member always has a profile; only a public member has a name.
    private static func member(_ fields: JSONFields) throws(LogEntryError) -> MemberRegistration {
        guard let visibility = Member.Visibility(rawValue: try fields.string("visibility")) else {
            throw .malformed("\(fields.context): visibility")
        }
        let kindText = try fields.optionalString("kind")
        let countryText = try fields.optionalString("country")
        let region = try fields.optionalString("region")
        var profile: Member.Profile?
        if let kindText, let countryText, let region {
            guard let kind = Member.Kind(rawValue: kindText), let country = CountryCode(countryText) else {
                throw .malformed("\(fields.context): kind or country")
            }
            profile = Member.Profile(kind: kind, country: country, region: region)
        } else if kindText != nil || countryText != nil || region != nil {
            throw .malformed("\(fields.context): kind, country and region are all present or all null")
        }
        let name = try fields.optionalString("name")
        guard profile != nil || visibility == .anonymous, name == nil || visibility == .public else {
            throw .malformed("\(fields.context): profile or name does not match visibility")
        }
        return MemberRegistration(
            id: try fields.identifier("id"), visibility: visibility, profile: profile, name: name,
            pseudonym: try fields.string("pseudonym"), commitment: try fields.string("private_data_commitment"),
            registeredAt: try fields.timestamp("registered_at")
        )
    }

    private static func erasure<ID: PrefixedIdentifier>(_ fields: JSONFields) throws(LogEntryError) -> Erasure<ID> {
        Erasure(id: try fields.identifier("id"), erasedAt: try fields.timestamp("erased_at"))
    }

    private static func fund(_ fields: JSONFields) throws(LogEntryError) -> Fund {
        let code = try fields.string("code")
        // The code is a segment of every fund account code: refuse one that cannot be.
        guard AccountCode("equity:\(code):conversion") != nil, !code.contains(":") else {
            throw .malformed("\(fields.context): code")
        }
        let assets = try fields.array("assets").map { value throws(LogEntryError) -> AssetCode in
            guard case .string(let text) = value, let asset = AssetCode(text) else {
                throw .malformed("\(fields.context): assets")
            }
            return asset
        }
        let allowance =
            fields.has("cash_adjustment_approval_above")
            ? try amounts(fields, "cash_adjustment_approval_above") : [:]
        return Fund(
            id: try fields.identifier("id"), code: code, name: try fields.string("name"), assets: assets,
            twoApprovalsAbove: try amounts(fields, "two_approvals_above"), cashAdjustmentApprovalAbove: allowance,
            createdAt: try fields.timestamp("created_at")
        )
    }

    private static func amounts(_ fields: JSONFields, _ name: String) throws(LogEntryError) -> [AssetCode: Amount] {
        var amounts: [AssetCode: Amount] = [:]
        for (code, value) in try fields.object(name) {
            guard let asset = AssetCode(code), case .integer(let units) = value, let amount = Amount(minorUnits: units)
            else { throw .malformed("\(fields.context): \(name)") }
            amounts[asset] = amount
        }
        return amounts
    }

    /// A pledge: at least one instalment, the last one's due date the pledge's.
    private static func pledge(_ fields: JSONFields) throws(LogEntryError) -> Pledge {
        let instalments = try fields.array("instalments").map { value throws(LogEntryError) -> Pledge.Instalment in
            let part = try JSONFields(value, context: "\(fields.context) instalment")
            return Pledge.Instalment(dueDate: try part.date("due_date"), amount: try part.amount("amount"))
        }
        guard let last = instalments.last, last.dueDate == (try fields.date("due_date")) else {
            throw .malformed("\(fields.context): instalments and due_date disagree")
        }
        // A recurring pledge's schedule must yield exactly its instalments' dates.
        var schedule: PledgeSchedule?
        if let value = fields.members["schedule"] {
            guard let read = PledgeSchedule(json: value), read.dueDates == instalments.map(\.dueDate) else {
                throw .malformed("\(fields.context): schedule and instalments disagree")
            }
            schedule = read
        }
        return Pledge(
            id: try fields.identifier("id"), memberID: try fields.identifier("member_id"),
            fundID: try fields.identifier("fund_id"), asset: try fields.assetCode("asset"),
            amount: try fields.amount("amount"), date: try fields.date("date"), instalments: instalments,
            schedule: schedule, createdAt: try fields.timestamp("created_at")
        )
    }

    private static func contribution(_ fields: JSONFields) throws(LogEntryError) -> Contribution {
        Contribution(
            id: try fields.identifier("id"), memberID: try fields.identifier("member_id"),
            fundID: try fields.identifier("fund_id"), asset: try fields.assetCode("asset"),
            amount: try fields.amount("amount"), date: try fields.date("date"),
            pledgeID: try fields.optionalIdentifier("pledge_id"), createdAt: try fields.timestamp("created_at")
        )
    }

    /// A grant request: a member, a beneficiary named in clear, or (a commitment and a
    /// null name) a private beneficiary, whose public label is derived from the id.
    private static func disbursementRequest(_ fields: JSONFields) throws(LogEntryError) -> DisbursementRequest {
        let id: DisbursementID = try fields.identifier("id")
        let member: MemberID? = try fields.optionalIdentifier("member_id")
        let name = try fields.optionalString("beneficiary")
        let commitment = fields.has("beneficiary_commitment") ? try fields.string("beneficiary_commitment") : nil
        let recipient: Disbursement.Recipient
        switch (member, name, commitment) {
        case (let member?, nil, nil): recipient = .member(member)
        case (nil, let name?, nil): recipient = .beneficiary(name)
        case (nil, nil, _?): recipient = .beneficiary(id.beneficiaryLabel)
        default: throw .malformed("\(fields.context): member_id, beneficiary and beneficiary_commitment")
        }
        return DisbursementRequest(
            id: id, fundID: try fields.identifier("fund_id"), recipient: recipient,
            asset: try fields.assetCode("asset"),
            amount: try fields.amount("amount"), purpose: try fields.string("purpose"),
            requestedAt: try fields.timestamp("requested_at"), beneficiaryCommitment: commitment
        )
    }

    private static func step<ID: PrefixedIdentifier, Kind>(
        _ fields: JSONFields
    ) throws(LogEntryError) -> LoggedStep<ID, Kind>
    where
        Kind: RawRepresentable & Hashable & Sendable,
        Kind.RawValue == String
    {
        guard let position = Int(exactly: try fields.integer("step")), position >= 0,
            let kind = Kind(rawValue: try fields.string("kind"))
        else { throw .malformed("\(fields.context): step or kind") }
        // Present only in a final approval that gave its hold an expiry.
        let expiry = fields.has("hold_expires_at") ? try fields.timestamp("hold_expires_at") : nil
        return LoggedStep(
            id: try fields.identifier("id"), position: position, kind: kind,
            reason: try fields.optionalString("reason"),
            at: try fields.timestamp("at"), holdExpiresAt: expiry
        )
    }

    private static func conversion(_ fields: JSONFields) throws(LogEntryError) -> Conversion {
        Conversion(
            id: try fields.string("id"), fundID: try fields.identifier("fund_id"),
            fromAsset: try fields.assetCode("from_asset"), fromAmount: try fields.amount("from_amount"),
            toAsset: try fields.assetCode("to_asset"), toAmount: try fields.amount("to_amount"),
            date: try fields.date("date"), createdAt: try fields.timestamp("created_at")
        )
    }

    /// A rate: its id must be the key its pair and date make.
    private static func exchangeRate(_ fields: JSONFields) throws(LogEntryError) -> ExchangeRate {
        guard let rate = DecimalRate(try fields.string("rate")) else { throw .malformed("\(fields.context): rate") }
        let recorded = ExchangeRate(
            base: try fields.assetCode("base"), quote: try fields.assetCode("quote"), date: try fields.date("date"),
            rate: rate, recordedAt: try fields.timestamp("recorded_at")
        )
        guard try fields.string("id") == recorded.key else { throw .malformed("\(fields.context): id") }
        return recorded
    }

    /// A closing: a sealed tree size of at least zero and a 32-byte root in base64.
    private static func periodClosing(_ fields: JSONFields) throws(LogEntryError) -> PeriodClosing {
        let size = try fields.integer("sealed_tree_size")
        let root = try fields.string("sealed_root_hash")
        // 32 bytes in standard base64: 43 characters of the alphabet and one "=".
        let isRoot = root.utf8.count == 44 && root.hasSuffix("=")
            && root.utf8.dropLast().allSatisfy { $0 == 0x2B || $0 == 0x2F || (0x30...0x39).contains($0)
                || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        guard size >= 0, isRoot else { throw .malformed("\(fields.context): sealed tree") }
        return PeriodClosing(
            id: try fields.identifier("id"), through: try fields.date("through"), sealedTreeSize: size,
            sealedRootHash: root, closedAt: try fields.timestamp("closed_at"))
    }

    private static func cashAdjustmentRequest(_ fields: JSONFields) throws(LogEntryError) -> CashAdjustmentRequest {
        guard let counter = AccountCode(try fields.string("counter_account")) else {
            throw .malformed("\(fields.context): counter_account")
        }
        return CashAdjustmentRequest(
            id: try fields.identifier("id"), fundID: try fields.identifier("fund_id"),
            asset: try fields.assetCode("asset"), amount: try fields.amount("amount"), counterAccount: counter,
            date: try fields.date("date"), reason: try fields.string("reason"),
            needsApproval: try fields.bool("needs_approval"), requestedAt: try fields.timestamp("requested_at")
        )
    }
}
