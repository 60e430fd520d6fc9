public import FundCore
public import LedgerCore

/// What the open-data exports (360Giving, IATI) publish, gathered by replaying log entries
/// in order, like `ReportBook`: funds, the public face of members, every contribution and
/// every grant with the dates of its steps.
///
/// Only what the public log states is kept: a public member's name and country; for an
/// anonymous member, an erased one or an individual, the pseudonym alone; for a
/// beneficiary outside the membership, its label (never a name, even one an early entry
/// holds). Contributions are kept one by one (IATI lists each as incoming funds): about
/// 100 bytes each, so a million fit in 100 MB — an offline command's budget.
public struct OpenDataBook: Sendable {
    public private(set) var assetScales: [AssetCode: Int] = [:]
    public private(set) var funds: [FundID: OpenFund] = [:]
    /// Funds in the order they were created, so the outputs are deterministic.
    public private(set) var fundOrder: [FundID] = []
    public private(set) var members: [MemberID: OpenMember] = [:]
    /// Contributions in log order.
    public private(set) var contributions: [Contribution] = []
    public private(set) var grants: [DisbursementID: OpenGrant] = [:]
    /// Grants in the order they were requested.
    public private(set) var grantOrder: [DisbursementID] = []
    /// Entries consumed.
    public private(set) var entryCount: Int64 = 0
    /// When the latest entry was recorded.
    public private(set) var lastRecordedAt: Timestamp?

    public init() {}

    /// Adds one entry; entries must come in log order.
    public mutating func apply(_ entry: LogEntry) throws(ReportError) {
        guard entry.index == entryCount else { throw .malformed("entry \(entryCount) states index \(entry.index)") }
        entryCount += 1
        lastRecordedAt = entry.recordedAt
        switch entry.event {
        case .assetRegistered(let asset):
            assetScales[asset.code] = asset.scale
        case .fundAction(let action):
            let event: FundEvent
            do {
                event = try FundEvent(action)
            } catch {
                throw .malformed("\(action.kind): \(error)")
            }
            apply(event, transaction: action.transaction, at: entry.recordedAt)
        case .accountOpened, .transactionRecorded, .accountClosed, .keyCreated, .keyRevoked, .logKeyRotated:
            break
        }
    }

    private mutating func apply(_ event: FundEvent, transaction: LedgerTransaction?, at time: Timestamp) {
        switch event {
        case .fundCreated(let fund):
            funds[fund.id] = OpenFund(id: fund.id, code: fund.code, name: fund.name, createdAt: fund.createdAt)
            fundOrder.append(fund.id)
        case .memberRegistered(let member):
            let isNamed = member.visibility == .public && member.profile?.kind != .individual
            members[member.id] = OpenMember(
                id: member.id, name: isNamed ? (member.name.map(TextRules.removingBidiControls) ?? member.pseudonym)
                    : member.pseudonym,
                country: isNamed ? member.profile?.country.rawValue : nil, isOrganisation: isNamed
            )
        case .memberPrivateDataErased(let erasure):
            // An erased member is published as an anonymous one from then on.
            members[erasure.id] = OpenMember(
                id: erasure.id, name: erasure.id.pseudonym, country: nil, isOrganisation: false)
        case .contributionReceived(let contribution):
            contributions.append(contribution)
        case .disbursementRequested(let request):
            grants[request.id] = OpenGrant(
                id: request.id, fundID: request.fundID, memberID: request.recipient.memberID, asset: request.asset,
                amount: request.amount.minorUnits, purpose: request.purpose, requestedAt: request.requestedAt
            )
            grantOrder.append(request.id)
        case .disbursementStep(let step):
            guard grants[step.id] != nil else { return }
            switch step.kind {
            // The approval that records the grant's transaction is the final one.
            case .approve: if transaction != nil { grants[step.id]?.approvedAt = step.at }
            case .pay:
                grants[step.id]?.paidAt = step.at
                grants[step.id]?.paymentTransactionID = transaction?.id
            case .reject: grants[step.id]?.endedAt = step.at
            case .cancel: grants[step.id]?.endedAt = step.at
            }
        case .pledgeMade, .pledgeCancelled, .disbursementBeneficiaryErased, .conversionRecorded,
            .exchangeRateRecorded, .cashAdjustmentRequested, .cashAdjustmentStep, .periodClosed,
            .disbursementHoldExpired:
            break
        }
    }
}

/// A fund as open data shows it.
public struct OpenFund: Hashable, Sendable {
    public let id: FundID
    public let code: String
    public let name: String
    public let createdAt: Timestamp
}

/// A member as open data may show it: a public organisation by name (and country); an
/// anonymous member, an erased one or an individual by pseudonym only.
public struct OpenMember: Hashable, Sendable {
    public let id: MemberID
    public let name: String
    /// ISO 3166-1 alpha-2, for a public organisation only.
    public let country: String?
    /// Whether the member may be published as a named organisation; otherwise it is an
    /// individual recipient in 360Giving terms, named by pseudonym.
    public let isOrganisation: Bool
}

/// A grant and the times of its steps.
public struct OpenGrant: Hashable, Sendable {
    public let id: DisbursementID
    public let fundID: FundID
    /// The receiving member; `nil` for a beneficiary outside the membership.
    public let memberID: MemberID?
    public let asset: AssetCode
    public let amount: Int64
    public let purpose: String
    public let requestedAt: Timestamp
    /// The final approval: the commitment.
    public internal(set) var approvedAt: Timestamp?
    public internal(set) var paidAt: Timestamp?
    public internal(set) var paymentTransactionID: TransactionID?
    /// A rejection or a cancellation: after an approval, the commitment is withdrawn.
    public internal(set) var endedAt: Timestamp?
}
