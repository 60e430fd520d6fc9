import Foundation
public import FundCore
public import LedgerCore
public import LedgerStorage

/// Members, funds, pledges, contributions, disbursements, cash adjustments, conversions and rates
/// as the API shows them.
extension Representation {
    /// A member as the API shows it to `viewer`.
    public struct MemberBody: Encodable, Sendable {
        let id: String
        /// Absent in the public view of an anonymous member, and once its private data is erased.
        let kind: String?
        let country: String?
        let region: String?
        let visibility: String
        /// The public name, or the pseudonym of an anonymous member (private views: the real name).
        let name: String
        let pseudonym: String
        let registeredAt: String
        let privateDataCommitment: String
        let privateDataErasedAt: String?
        let contact: JSONValue?

        public init(_ view: MemberView, showsPrivate: Bool) {
            let member = view.member
            id = member.id.rawValue
            let profile = showsPrivate ? member.profile : member.publicProfile
            kind = profile?.kind.rawValue
            country = profile?.country.rawValue
            region = profile?.region
            visibility = member.visibility.rawValue
            name = showsPrivate ? (member.name ?? member.pseudonym) : member.publicName
            pseudonym = member.pseudonym
            registeredAt = member.registeredAt.description
            privateDataCommitment = Data(view.commitment).base64EncodedString()
            privateDataErasedAt = view.erasedAt?.description
            contact = showsPrivate ? view.privateData?.contact : nil
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, country, region, visibility, name, pseudonym, contact
            case registeredAt = "registered_at"
            case privateDataCommitment = "private_data_commitment"
            case privateDataErasedAt = "private_data_erased_at"
        }
    }

    public struct FundBody: Encodable, Sendable {
        let id: String
        let code: String
        let name: String
        let assets: [String]
        let twoApprovalsAbove: [String: Int64]
        let cashAdjustmentApprovalAbove: [String: Int64]
        let accounts: [String: String]
        let createdAt: String

        public init(_ fund: Fund) {
            id = fund.id.rawValue
            code = fund.code
            name = fund.name
            assets = fund.assets.map(\.rawValue)
            twoApprovalsAbove = Dictionary(
                uniqueKeysWithValues: fund.twoApprovalsAbove.map { ($0.key.rawValue, $0.value.minorUnits) }
            )
            cashAdjustmentApprovalAbove = Dictionary(
                uniqueKeysWithValues: fund.cashAdjustmentApprovalAbove.map { ($0.key.rawValue, $0.value.minorUnits) }
            )
            var accounts = ["conversion": fund.chart.conversion.rawValue]
            for asset in fund.assets { accounts["cash_\(asset.rawValue)"] = fund.chart.cash(asset).rawValue }
            self.accounts = accounts
            createdAt = fund.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case id, code, name, assets, accounts
            case twoApprovalsAbove = "two_approvals_above"
            case cashAdjustmentApprovalAbove = "cash_adjustment_approval_above"
            case createdAt = "created_at"
        }
    }

    public struct InstalmentBody: Encodable, Sendable {
        let dueDate: String
        let amount: Int64

        enum CodingKeys: String, CodingKey {
            case amount
            case dueDate = "due_date"
        }
    }

    public struct PledgeBody: Encodable, Sendable {
        let id: String
        let memberID: String
        let fundID: String
        let asset: String
        let amount: Int64
        let date: String
        let dueDate: String
        let instalments: [InstalmentBody]
        let status: String
        let paid: Int64
        let writtenOff: Int64
        let outstanding: Int64
        let cancellationReason: String?
        let transactionIDs: [String]
        let createdAt: String
        /// A recurring pledge's schedule (`every`, `start`, and `count` or `end`).
        let schedule: JSONValue?
        /// The next instalment not yet paid or written off, and what is left of it.
        let nextDue: InstalmentBody?

        public init(_ view: PledgeView) {
            schedule = view.pledge.schedule?.json
            nextDue = Pledge.nextDue(
                view.pledge.instalments.map { ($0.dueDate, $0.amount.minorUnits) },
                covered: view.status.paid + view.status.writtenOff
            ).map { InstalmentBody(dueDate: $0.dueDate.description, amount: $0.amount) }
            id = view.pledge.id.rawValue
            memberID = view.pledge.memberID.rawValue
            fundID = view.pledge.fundID.rawValue
            asset = view.pledge.asset.rawValue
            amount = view.pledge.amount.minorUnits
            date = view.pledge.date.description
            dueDate = view.pledge.dueDate.description
            instalments = view.pledge.instalments.map {
                InstalmentBody(dueDate: $0.dueDate.description, amount: $0.amount.minorUnits)
            }
            status = view.status.state.rawValue
            paid = view.status.paid
            writtenOff = view.status.writtenOff
            outstanding = view.status.outstanding
            cancellationReason = view.cancellationReason
            transactionIDs = view.transactionIDs.map(\.rawValue)
            createdAt = view.pledge.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case id, asset, amount, date, instalments, status, paid, outstanding
            case memberID = "member_id"
            case fundID = "fund_id"
            case dueDate = "due_date"
            case writtenOff = "written_off"
            case cancellationReason = "cancellation_reason"
            case transactionIDs = "transaction_ids"
            case createdAt = "created_at"
            case schedule
            case nextDue = "next_due"
        }
    }

    public struct ContributionBody: Encodable, Sendable {
        let id: String
        let memberID: String
        let fundID: String
        let asset: String
        let amount: Int64
        let date: String
        let pledgeID: String?
        let appliedToPledge: Int64
        let transactionIDs: [String]
        let createdAt: String

        public init(_ view: ContributionView) {
            id = view.contribution.id.rawValue
            memberID = view.contribution.memberID.rawValue
            fundID = view.contribution.fundID.rawValue
            asset = view.contribution.asset.rawValue
            amount = view.contribution.amount.minorUnits
            date = view.contribution.date.description
            pledgeID = view.contribution.pledgeID?.rawValue
            appliedToPledge = view.appliedToPledge
            transactionIDs = [view.transactionID.rawValue]
            createdAt = view.contribution.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case id, asset, amount, date
            case memberID = "member_id"
            case fundID = "fund_id"
            case pledgeID = "pledge_id"
            case appliedToPledge = "applied_to_pledge"
            case transactionIDs = "transaction_ids"
            case createdAt = "created_at"
        }
    }

    public struct StepBody: Encodable, Sendable {
        let kind: String
        let principal: PrincipalBody
        let at: String
        let transactionID: String?
        let reason: String?

        enum CodingKeys: String, CodingKey {
            case kind, principal, at, reason
            case transactionID = "transaction_id"
        }
    }

    /// Who took a step, with the person four eyes counted.
    public struct PrincipalBody: Encodable, Sendable {
        let keyID: String?
        let name: String
        let role: String?
        let personID: String?

        public init(_ principal: Principal) {
            keyID = principal.keyID
            name = principal.name
            role = principal.role?.rawValue
            personID = principal.person?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case name, role
            case keyID = "key_id"
            case personID = "person_id"
        }
    }

    /// A disbursement as `viewer` may see it: a private beneficiary's name only in the
    /// private view (admins, auditors) until erased; everyone else sees its label.
    public struct DisbursementBody: Encodable, Sendable {
        let id: String
        let fundID: String
        let memberID: String?
        let beneficiary: String?
        let beneficiaryCommitment: String?
        let beneficiaryErasedAt: String?
        let asset: String
        let amount: Int64
        let purpose: String
        let status: String
        let approvalsNeeded: Int
        let approvals: Int
        let requestedBy: PrincipalBody
        let requestedAt: String
        let steps: [StepBody]
        let transactionIDs: [String]

        public init(_ view: DisbursementView, showsPrivate: Bool) {
            let disbursement = view.disbursement
            id = disbursement.id.rawValue
            fundID = disbursement.fundID.rawValue
            memberID = disbursement.recipient.memberID?.rawValue
            let privateName = showsPrivate ? view.beneficiary?.privateData?.name : nil
            beneficiary = privateName ?? disbursement.recipient.beneficiary
            beneficiaryCommitment = view.beneficiary.map { Data($0.commitment).base64EncodedString() }
            beneficiaryErasedAt = view.beneficiary?.erasedAt?.description
            asset = disbursement.asset.rawValue
            amount = disbursement.amount.minorUnits
            purpose = disbursement.purpose
            status = view.state.rawValue
            approvalsNeeded = view.approvalsNeeded
            approvals = view.steps.filter { $0.kind == .approve }.count
            requestedBy = PrincipalBody(disbursement.requestedBy)
            requestedAt = disbursement.requestedAt.description
            steps = view.steps.map {
                StepBody(
                    kind: $0.kind.rawValue, principal: PrincipalBody($0.principal), at: $0.at.description,
                    transactionID: $0.transactionID?.rawValue, reason: $0.reason
                )
            }
            transactionIDs = view.transactionIDs.map(\.rawValue)
        }

        enum CodingKeys: String, CodingKey {
            case id, asset, amount, purpose, status, approvals, steps, beneficiary
            case fundID = "fund_id"
            case memberID = "member_id"
            case beneficiaryCommitment = "beneficiary_commitment"
            case beneficiaryErasedAt = "beneficiary_erased_at"
            case approvalsNeeded = "approvals_needed"
            case requestedBy = "requested_by"
            case requestedAt = "requested_at"
            case transactionIDs = "transaction_ids"
        }
    }

    public struct AdjustmentBody: Encodable, Sendable {
        let id: String
        let fundID: String
        let asset: String
        let amount: Int64
        let counterAccount: String
        let date: String
        let reason: String
        let status: String
        let needsApproval: Bool
        let requestedBy: PrincipalBody
        let requestedAt: String
        let steps: [StepBody]
        let transactionIDs: [String]

        public init(_ view: CashAdjustmentView) {
            let adjustment = view.adjustment
            id = adjustment.id.rawValue
            fundID = adjustment.fundID.rawValue
            asset = adjustment.asset.rawValue
            amount = adjustment.amount.minorUnits
            counterAccount = adjustment.counterAccount.rawValue
            date = adjustment.date.description
            reason = adjustment.reason
            status = view.state.rawValue
            needsApproval = adjustment.needsApproval
            requestedBy = PrincipalBody(adjustment.requestedBy)
            requestedAt = adjustment.requestedAt.description
            steps = view.steps.map {
                StepBody(
                    kind: $0.kind.rawValue, principal: PrincipalBody($0.principal), at: $0.at.description,
                    transactionID: $0.transactionID?.rawValue, reason: $0.reason
                )
            }
            transactionIDs = view.transactionIDs.map(\.rawValue)
        }

        enum CodingKeys: String, CodingKey {
            case id, asset, amount, date, reason, status, steps
            case fundID = "fund_id"
            case counterAccount = "counter_account"
            case needsApproval = "needs_approval"
            case requestedBy = "requested_by"
            case requestedAt = "requested_at"
            case transactionIDs = "transaction_ids"
        }
    }

    public struct ConversionBody: Encodable, Sendable {
        let id: String
        let fundID: String
        let fromAsset: String
        let fromAmount: Int64
        let toAsset: String
        let toAmount: Int64
        let date: String
        let transactionIDs: [String]
        let createdAt: String

        public init(_ view: ConversionView) {
            let conversion = view.conversion
            id = conversion.id
            fundID = conversion.fundID.rawValue
            fromAsset = conversion.fromAsset.rawValue
            fromAmount = conversion.fromAmount.minorUnits
            toAsset = conversion.toAsset.rawValue
            toAmount = conversion.toAmount.minorUnits
            date = conversion.date.description
            transactionIDs = [view.transactionID.rawValue]
            createdAt = conversion.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case id, date
            case fundID = "fund_id"
            case fromAsset = "from_asset"
            case fromAmount = "from_amount"
            case toAsset = "to_asset"
            case toAmount = "to_amount"
            case transactionIDs = "transaction_ids"
            case createdAt = "created_at"
        }
    }

    public struct RateBody: Encodable, Sendable {
        let base: String
        let quote: String
        let date: String
        let rate: String
        let recordedAt: String

        public init(_ rate: ExchangeRate) {
            base = rate.base.rawValue
            quote = rate.quote.rawValue
            date = rate.date.description
            self.rate = rate.rate.description
            recordedAt = rate.recordedAt.description
        }

        enum CodingKeys: String, CodingKey {
            case base, quote, date, rate
            case recordedAt = "recorded_at"
        }
    }

    public struct RateList: Encodable, Sendable {
        let items: [RateBody]

        public init(items: [RateBody]) {
            self.items = items
        }
    }
}

extension Representation {
    /// A period closing, with where its reports are: each computed as of the closing's day,
    /// whose figures no later write can change.
    public struct PeriodBody: Encodable, Sendable {
        let id: String
        let through: String
        let sealedTreeSize: Int64
        let sealedRootHash: String
        let closedAt: String
        let reports: [String: String]

        public init(_ closing: PeriodClosing) {
            id = closing.id.rawValue
            through = closing.through.description
            sealedTreeSize = closing.sealedTreeSize
            sealedRootHash = closing.sealedRootHash
            closedAt = closing.closedAt.description
            reports = Dictionary(
                uniqueKeysWithValues: Self.reportNames.map { ($0, "/v1/reports/\($0)?as_of=\(closing.through)") })
        }

        /// The reports of a closed period (those that take an as-of day).
        static let reportNames = [
            "trial-balance", "financial-position", "income-expenditure", "member-statements", "pledge-fulfilment",
            "reciprocity",
        ]

        enum CodingKeys: String, CodingKey {
            case id, through, reports
            case sealedTreeSize = "sealed_tree_size"
            case sealedRootHash = "sealed_root_hash"
            case closedAt = "closed_at"
        }
    }

    public struct PeriodList: Encodable, Sendable {
        let items: [PeriodBody]

        public init(items: [PeriodBody]) {
            self.items = items
        }
    }
}
