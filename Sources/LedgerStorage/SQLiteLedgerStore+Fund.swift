import AuditLog
import Crypto
import Foundation
public import FundCore
import GRDB
public import LedgerCore

/// The fund's domain: members (with erasable private data) and funds (with their chart
/// of accounts). Each write is one database transaction holding the domain rows, any
/// accounts it opens, and one audit-log entry.
extension SQLiteLedgerStore {
    public func registerMember(_ draft: MemberDraft, by principal: Principal, idempotency: Idempotency<MemberView>?) async throws -> WriteOutcome<MemberView> {
        let identifiers = self.identifiers
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try await write(idempotency: idempotency) { db, now in
            let (member, privateData) = try draft.validated(id: MemberID(bytes: identifiers.nextIdentifierBytes()), at: now)
            let data = privateData.canonicalBytes
            let commitment = Array(SHA256.hash(data: salt + data))
            try db.execute(
                sql: """
                    INSERT INTO members (id, kind, country, region, visibility, public_name, commitment, registered_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    member.id.rawValue, member.kind.rawValue, member.country.rawValue, member.region, member.visibility.rawValue,
                    member.visibility == .public ? member.name : nil, Data(commitment), now.description,
                ]
            )
            try db.execute(sql: "INSERT INTO member_private (member_id, salt, data) VALUES (?, ?, ?)", arguments: [member.id.rawValue, Data(salt), Data(data)])
            let details = Self.details(of: member, commitment: commitment)
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "member.registered", subject: member.id.rawValue, details: details, accountsOpened: [], transaction: nil)),
                balances: [], by: principal, at: now
            )
            return MemberView(member: member, privateData: privateData, commitment: commitment, erasedAt: nil)
        }
    }

    public func member(_ id: MemberID) async throws -> MemberView? {
        try await pool.read { db in try Self.memberView(db, id: id) }
    }

    public func members(page: PageRequest) async throws -> Page<MemberView> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 2, cursor.fields[0] == "member", MemberID(cursor.fields[1]) != nil else { throw InvalidCursor() }
            return cursor.fields[1]
        } ?? ""
        return try await pool.read { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?"), arguments: [after, page.limit + 1])
            let views = try ids.prefix(page.limit).compactMap { text in try MemberID(text).flatMap { try Self.memberView(db, id: $0) } }
            let next = ids.count > page.limit ? views.last.map { PageCursor(fields: ["member", $0.member.id.rawValue]) } : nil
            return Page(items: views, nextCursor: next)
        }
    }

    /// Erases a member's private data (a data-protection request): the data and its salt
    /// are deleted, the erasure is recorded and logged; the commitment stays, so the log
    /// and every proof remain verifiable.
    public func erasePrivateData(of id: MemberID, by principal: Principal) async throws -> MemberView {
        let outcome: WriteOutcome<MemberView> = try await write(idempotency: nil) { db, now in
            guard let view = try Self.memberView(db, id: id) else { throw Rejection.notFound(resource: "member", reference: id.rawValue) }
            guard view.erasedAt == nil else { throw Rejection.privateDataErased(member: id.rawValue) }
            try db.execute(sql: "INSERT INTO member_erasures (member_id, erased_at) VALUES (?, ?)", arguments: [id.rawValue, now.description])
            try db.execute(sql: "DELETE FROM member_private WHERE member_id = ?", arguments: [id.rawValue])
            let details: JSONValue = .object(["id": .string(id.rawValue), "erased_at": .string(now.description)])
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "member.private_data_erased", subject: "\(id.rawValue)#erased", details: details, accountsOpened: [], transaction: nil)),
                balances: [], by: principal, at: now
            )
            guard let erased = try Self.memberView(db, id: id) else { preconditionFailure("the member exists") }
            return erased
        }
        guard case .applied(let view) = outcome else { preconditionFailure("erasure takes no idempotency key") }
        return view
    }

    public func createFund(_ draft: FundDraft, by principal: Principal, idempotency: Idempotency<Fund>?) async throws -> WriteOutcome<Fund> {
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let fund = try draft.validated(id: FundID(bytes: identifiers.nextIdentifierBytes()), at: now)
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM funds WHERE code = ?"), arguments: [fund.code]) == nil else {
                throw Rejection.fundExists(code: fund.code)
            }
            for asset in fund.assets where try LedgerRows.asset(db, code: asset) == nil {
                throw Rejection.unknownAsset(code: asset.rawValue)
            }
            try db.execute(sql: "INSERT INTO funds (id, code, name, created_at) VALUES (?, ?, ?, ?)", arguments: [fund.id.rawValue, fund.code, fund.name, now.description])
            let seq = db.lastInsertedRowID
            for asset in fund.assets {
                try db.execute(
                    sql: "INSERT INTO fund_assets (fund_seq, asset, two_approvals_above, cash_adjustment_approval_above) VALUES (?, ?, ?, ?)",
                    arguments: [seq, asset.rawValue, fund.twoApprovalsAbove[asset]?.minorUnits, fund.cashAdjustmentApprovalAbove[asset]?.minorUnits]
                )
            }
            // The fund's standing accounts: cash per asset (never overdrawn) and conversion.
            var opened: [Account] = fund.assets.map { asset in
                Account(
                    id: AccountID(bytes: identifiers.nextIdentifierBytes()), code: fund.chart.cash(asset), type: .asset,
                    allowedAssets: [asset], constraint: .noNegative, metadata: .object(["fund": .string(fund.id.rawValue)]),
                    createdAt: now, closedAt: nil
                )
            }
            opened.append(Account(
                id: AccountID(bytes: identifiers.nextIdentifierBytes()), code: fund.chart.conversion, type: .equity,
                allowedAssets: fund.assets.sorted(), constraint: nil, metadata: .object(["fund": .string(fund.id.rawValue)]),
                createdAt: now, closedAt: nil
            ))
            for account in opened {
                guard try LedgerRows.account(db, reference: .code(account.code)) == nil else { throw Rejection.accountExists(code: account.code) }
                try Self.insert(account, in: db)
            }
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "fund.created", subject: fund.id.rawValue, details: fund.details, accountsOpened: opened, transaction: nil)),
                balances: [], by: principal, at: now
            )
            return fund
        }
    }

    public func privateMemberNames() async throws -> [MemberID: String] {
        try await pool.read { db in
            var names: [MemberID: String] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT member_id, data FROM member_private ORDER BY member_id"))
            while let row = try rows.next() {
                guard let id = MemberID(try LedgerRows.text(row, "member_id")),
                      case .object(let members)? = try? JSONParser.parse([UInt8](try row.decode(Data.self, forColumn: "data")))
                else { throw StorageError.corruptRow(table: "member_private", detail: "member id or data does not parse") }
                if case .string(let name)? = members["name"] { names[id] = name }
            }
            return names
        }
    }

    public func fund(_ reference: String) async throws -> Fund? {
        try await pool.read { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM funds WHERE id = ? OR code = ?"), arguments: [reference, reference])
            return try row.map { try Self.fund(db, from: $0) }
        }
    }

    public func funds(page: PageRequest) async throws -> Page<Fund> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 2, cursor.fields[0] == "fund", let seq = Int64(cursor.fields[1]) else { throw InvalidCursor() }
            return seq
        } ?? Int64(0)
        return try await pool.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM funds WHERE seq > ? ORDER BY seq LIMIT ?"), arguments: [after, page.limit + 1])
            let funds = try rows.prefix(page.limit).map { try Self.fund(db, from: $0) }
            let next = rows.count > page.limit ? try rows.prefix(page.limit).last.map { PageCursor(fields: ["fund", String(try LedgerRows.integer($0, "seq"))]) } : nil
            return Page(items: funds, nextCursor: next)
        }
    }

    // MARK: Rows

    static func details(of member: Member, commitment: [UInt8]) -> JSONValue {
        .object([
            "id": .string(member.id.rawValue), "kind": .string(member.kind.rawValue), "country": .string(member.country.rawValue),
            "region": .string(member.region), "visibility": .string(member.visibility.rawValue),
            "name": member.visibility == .public ? member.name.map(JSONValue.string) ?? .null : .null,
            "pseudonym": .string(member.pseudonym),
            "private_data_commitment": .string(Data(commitment).base64EncodedString()),
            "registered_at": .string(member.registeredAt.description),
        ])
    }

    static func memberView(_ db: Database, id: MemberID) throws -> MemberView? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM members WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        let privateRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT data FROM member_private WHERE member_id = ?"), arguments: [id.rawValue])
        var privateData: MemberPrivateData?
        if let privateRow {
            let bytes = [UInt8](try privateRow.decode(Data.self, forColumn: "data"))
            guard case .object(let members)? = try? JSONParser.parse(bytes), let contact = members["contact"] else {
                throw StorageError.corruptRow(table: "member_private", detail: "data does not parse")
            }
            var name: String?
            if case .string(let text)? = members["name"] { name = text }
            privateData = MemberPrivateData(name: name, contact: contact)
        }
        guard let kind = Member.Kind(rawValue: try LedgerRows.text(row, "kind")),
              let country = CountryCode(try LedgerRows.text(row, "country")),
              let visibility = Member.Visibility(rawValue: try LedgerRows.text(row, "visibility"))
        else { throw StorageError.corruptRow(table: "members", detail: "kind, country or visibility does not parse") }
        let publicName = try row.decode(String?.self, forColumn: "public_name")
        let member = Member(
            id: id, kind: kind, country: country, region: try LedgerRows.text(row, "region"), visibility: visibility,
            name: publicName ?? privateData?.name, registeredAt: try LedgerRows.parse(row, "registered_at", table: "members", Timestamp.init)
        )
        let erasedAt = try String.fetchOne(db.cachedStatement(sql: "SELECT erased_at FROM member_erasures WHERE member_id = ?"), arguments: [id.rawValue]).flatMap(Timestamp.init)
        return MemberView(member: member, privateData: privateData, commitment: [UInt8](try row.decode(Data.self, forColumn: "commitment")), erasedAt: erasedAt)
    }

    static func fund(_ db: Database, from row: Row) throws -> Fund {
        let seq = try LedgerRows.integer(row, "seq")
        let assetRows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT asset, two_approvals_above, cash_adjustment_approval_above FROM fund_assets WHERE fund_seq = ? ORDER BY asset"),
            arguments: [seq]
        )
        var assets: [AssetCode] = []
        var thresholds: [AssetCode: Amount] = [:]
        var adjustmentLimits: [AssetCode: Amount] = [:]
        for assetRow in assetRows {
            let asset = try LedgerRows.parse(assetRow, "asset", table: "fund_assets", AssetCode.init)
            assets.append(asset)
            if let value = try assetRow.decode(Int64?.self, forColumn: "two_approvals_above"), let amount = Amount(minorUnits: value) {
                thresholds[asset] = amount
            }
            if let value = try assetRow.decode(Int64?.self, forColumn: "cash_adjustment_approval_above"), let amount = Amount(minorUnits: value) {
                adjustmentLimits[asset] = amount
            }
        }
        return Fund(
            id: try LedgerRows.parse(row, "id", table: "funds", FundID.init), code: try LedgerRows.text(row, "code"),
            name: try LedgerRows.text(row, "name"), assets: assets, twoApprovalsAbove: thresholds,
            cashAdjustmentApprovalAbove: adjustmentLimits, createdAt: try LedgerRows.parse(row, "created_at", table: "funds", Timestamp.init)
        )
    }
}

/// A member with what the store holds about them: the private data while it exists,
/// the commitment to it, and when it was erased.
public struct MemberView: Sendable, Equatable {
    public let member: Member
    /// `nil` once erased.
    public let privateData: MemberPrivateData?
    /// SHA-256(salt || private data), as in the audit log.
    public let commitment: [UInt8]
    public let erasedAt: Timestamp?
}
