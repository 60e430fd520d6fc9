public import LedgerCore

extension FundEvent {
    /// The step's details as the log records them: the one encoder of every fund kind.
    /// Member names are the log's format (never renamed); `FundEvent(kind:details:)` reads
    /// exactly this back.
    public var details: JSONValue {
        switch self {
        case .memberRegistered(let member): Self.details(member)
        case .memberPrivateDataErased(let erasure): Self.details(erasure)
        case .fundCreated(let fund): Self.details(fund)
        case .pledgeMade(let pledge): Self.details(pledge)
        case .pledgeCancelled(let cancellation):
            .object([
                "id": .string(cancellation.pledgeID.rawValue), "reason": .string(cancellation.reason),
                "cancelled_at": .string(cancellation.cancelledAt.description),
            ])
        case .contributionReceived(let contribution): Self.details(contribution)
        case .disbursementRequested(let request): Self.details(request)
        case .disbursementStep(let step): Self.details(step)
        case .disbursementBeneficiaryErased(let erasure): Self.details(erasure)
        case .conversionRecorded(let conversion): Self.details(conversion)
        case .exchangeRateRecorded(let rate):
            .object([
                "id": .string(rate.key), "base": .string(rate.base.rawValue), "quote": .string(rate.quote.rawValue),
                "date": .string(rate.date.description), "rate": .string(rate.rate.description),
                "recorded_at": .string(rate.recordedAt.description),
            ])
        case .cashAdjustmentRequested(let request): Self.details(request)
        case .cashAdjustmentStep(let step): Self.details(step)
        case .disbursementHoldExpired(let expiry):
            .object(["id": .string(expiry.id.rawValue), "expired_at": .string(expiry.expiredAt.description)])
        case .periodClosed(let closing):
            .object([
                "id": .string(closing.id.rawValue), "through": .string(closing.through.description),
                "sealed_tree_size": .integer(closing.sealedTreeSize),
                "sealed_root_hash": .string(closing.sealedRootHash),
                "closed_at": .string(closing.closedAt.description),
            ])
        }
    }

    private static func details(_ member: MemberRegistration) -> JSONValue {
        .object([
            "id": .string(member.id.rawValue), "kind": member.profile.map { .string($0.kind.rawValue) } ?? .null,
            "country": member.profile.map { .string($0.country.rawValue) } ?? .null,
            "region": member.profile.map { .string($0.region) } ?? .null,
            "visibility": .string(member.visibility.rawValue), "name": member.name.map(JSONValue.string) ?? .null,
            "pseudonym": .string(member.pseudonym), "private_data_commitment": .string(member.commitment),
            "registered_at": .string(member.registeredAt.description),
        ])
    }

    private static func details<ID>(_ erasure: Erasure<ID>) -> JSONValue {
        .object(["id": .string(erasure.id.rawValue), "erased_at": .string(erasure.erasedAt.description)])
    }

    /// A fund: `cash_adjustment_approval_above` only when set (funds created before cash
    /// adjustments existed have none, and their entries stay as they were).
    private static func details(_ fund: Fund) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(fund.id.rawValue), "code": .string(fund.code), "name": .string(fund.name),
            "assets": .array(fund.assets.map { .string($0.rawValue) }),
            "two_approvals_above": amounts(fund.twoApprovalsAbove), "created_at": .string(fund.createdAt.description),
        ]
        if !fund.cashAdjustmentApprovalAbove.isEmpty {
            members["cash_adjustment_approval_above"] = amounts(fund.cashAdjustmentApprovalAbove)
        }
        return .object(members)
    }

    private static func amounts(_ values: [AssetCode: Amount]) -> JSONValue {
        .object(
            Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, JSONValue.integer($0.value.minorUnits)) }))
    }

    /// A pledge: `schedule` only for a recurring pledge (earlier entries stay as they were).
    private static func details(_ pledge: Pledge) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(pledge.id.rawValue), "member_id": .string(pledge.memberID.rawValue),
            "fund_id": .string(pledge.fundID.rawValue), "asset": .string(pledge.asset.rawValue),
            "amount": .integer(pledge.amount.minorUnits), "date": .string(pledge.date.description),
            "due_date": .string(pledge.dueDate.description),
            "instalments": .array(
                pledge.instalments.map {
                    .object(["due_date": .string($0.dueDate.description), "amount": .integer($0.amount.minorUnits)])
                }),
            "created_at": .string(pledge.createdAt.description),
        ]
        if let schedule = pledge.schedule { members["schedule"] = schedule.json }
        return .object(members)
    }

    private static func details(_ contribution: Contribution) -> JSONValue {
        .object([
            "id": .string(contribution.id.rawValue), "member_id": .string(contribution.memberID.rawValue),
            "fund_id": .string(contribution.fundID.rawValue), "asset": .string(contribution.asset.rawValue),
            "amount": .integer(contribution.amount.minorUnits), "date": .string(contribution.date.description),
            "pledge_id": contribution.pledgeID.map { .string($0.rawValue) } ?? .null,
            "created_at": .string(contribution.createdAt.description),
        ])
    }

    /// A grant request: with a commitment, `beneficiary` is null and the commitment is
    /// added; older requests hold the name in clear and no commitment member.
    private static func details(_ request: DisbursementRequest) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(request.id.rawValue), "fund_id": .string(request.fundID.rawValue),
            "member_id": request.recipient.memberID.map { .string($0.rawValue) } ?? .null,
            "beneficiary": request.recipient.beneficiary.map(JSONValue.string) ?? .null,
            "asset": .string(request.asset.rawValue), "amount": .integer(request.amount.minorUnits),
            "purpose": .string(request.purpose), "requested_at": .string(request.requestedAt.description),
        ]
        if let commitment = request.beneficiaryCommitment {
            members["beneficiary"] = .null
            members["beneficiary_commitment"] = .string(commitment)
        }
        return .object(members)
    }

    /// A step: `hold_expires_at` only when the step set one (earlier entries stay as they were).
    private static func details<ID, Kind>(_ step: LoggedStep<ID, Kind>) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(step.id.rawValue), "step": .integer(Int64(step.position)),
            "kind": .string(step.kind.rawValue),
            "reason": step.reason.map(JSONValue.string) ?? .null, "at": .string(step.at.description),
        ]
        if let expiry = step.holdExpiresAt { members["hold_expires_at"] = .string(expiry.description) }
        return .object(members)
    }

    private static func details(_ conversion: Conversion) -> JSONValue {
        .object([
            "id": .string(conversion.id), "fund_id": .string(conversion.fundID.rawValue),
            "from_asset": .string(conversion.fromAsset.rawValue),
            "from_amount": .integer(conversion.fromAmount.minorUnits),
            "to_asset": .string(conversion.toAsset.rawValue), "to_amount": .integer(conversion.toAmount.minorUnits),
            "date": .string(conversion.date.description), "created_at": .string(conversion.createdAt.description),
        ])
    }

    private static func details(_ request: CashAdjustmentRequest) -> JSONValue {
        .object([
            "id": .string(request.id.rawValue), "fund_id": .string(request.fundID.rawValue),
            "asset": .string(request.asset.rawValue), "amount": .integer(request.amount.minorUnits),
            "counter_account": .string(request.counterAccount.rawValue), "date": .string(request.date.description),
            "reason": .string(request.reason), "needs_approval": .bool(request.needsApproval),
            "requested_at": .string(request.requestedAt.description),
        ])
    }
}
