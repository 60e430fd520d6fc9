import AuditLog
import Crypto
import Foundation
public import FundCore
import GRDB
public import LedgerCore
import LedgerSQL
import Logging

/// The fund's domain: members (with erasable private data) and funds (with their chart
/// of accounts). Each write is one database transaction holding the domain rows, any
/// accounts it opens, and one audit-log entry.
extension SQLLedgerStore {
    public func registerMember(
        _ draft: MemberDraft, by principal: Principal, idempotency: Idempotency<MemberView>?
    ) async throws -> WriteOutcome<MemberView> {
        let identifiers = self.identifiers
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try await write(idempotency: idempotency) { db, now in
            let registering = try MemberSteps.register(
                draft, id: MemberID(bytes: identifiers.nextIdentifierBytes()), at: now
            )
            let data = registering.privateData.canonicalBytes
            let commitment = Self.privateDataCommitment(salt: salt, data: data)
            try Self.insert(registering, salt: salt, data: data, commitment: commitment, at: now, in: db)
            try AuditLogWriter.append(
                db, event: .fundAction(registering.action(commitment: Data(commitment).base64EncodedString())),
                balances: [], by: principal, at: now
            )
            return MemberView(
                member: registering.member, recordedProfile: registering.recordedProfile,
                privateData: registering.privateData, commitment: commitment, erasedAt: nil
            )
        }
    }

    /// Writes a registered member's rows: the public row (an anonymous member's profile
    /// is private data: only member_private holds it) and the private data with its salt.
    static func insert(
        _ registering: MemberSteps.Registering, salt: [UInt8], data: [UInt8], commitment: [UInt8], at now: Timestamp,
        in db: some SQLConnection
    ) throws {
        let member = registering.member
        try insert(
            MemberRegistration(member, recordedProfile: registering.recordedProfile, commitment: ""),
            commitment: commitment, in: db
        )
        try db.execute(
            "INSERT INTO member_private (member_id, salt, data) VALUES (?, ?, ?)", [member.id.rawValue, salt, data]
        )
    }

    /// Writes a member's public row as its registration records it (the commitment as bytes).
    static func insert(
        _ registration: MemberRegistration, commitment: [UInt8], in db: some SQLConnection
    ) throws {
        let profile = registration.profile
        try db.execute("""
                INSERT INTO members (id, kind, country, region, visibility, public_name, commitment, registered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                registration.id.rawValue, profile?.kind.rawValue, profile?.country.rawValue, profile?.region,
                registration.visibility.rawValue, registration.name, commitment,
                registration.registeredAt.description,
            ])
    }

    /// Records that a member's private data was erased (the caller deletes the row).
    static func insert(_ erasure: Erasure<MemberID>, in db: some SQLConnection) throws {
        try db.execute(
            "INSERT INTO member_erasures (member_id, erased_at) VALUES (?, ?)",
            [erasure.id.rawValue, erasure.erasedAt.description]
        )
    }

    public func member(_ id: MemberID) async throws -> MemberView? {
        try await engine.read { db in try Self.memberView(db, id: id) }
    }

    public func members(page: PageRequest) async throws -> Page<MemberView> {
        let after =
            try page.cursor.map { cursor in
                guard cursor.fields.count == 2, cursor.fields[0] == "member", MemberID(cursor.fields[1]) != nil else {
                    throw InvalidCursor()
                }
                return cursor.fields[1]
            } ?? ""
        return try await engine.read { db in
            let ids = try db.fetchValues(
                String.self, "SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?", [after, page.limit + 1]
            )
            let views = try ids.prefix(page.limit).compactMap { text in
                try MemberID(text).flatMap { try Self.memberView(db, id: $0) }
            }
            let next =
                ids.count > page.limit ? views.last.map { PageCursor(fields: ["member", $0.member.id.rawValue]) } : nil
            return Page(items: views, nextCursor: next)
        }
    }

    /// Erases a member's private data (a data-protection request): the data and its salt
    /// are deleted, the erasure is recorded and logged; the commitment stays, so the log
    /// and every proof remain verifiable.
    ///
    /// Erased means gone from every file the store writes: deleted content is zeroed
    /// (`secure_delete`), the fingerprint of the registration request (SHA-256 of its
    /// body, which would confirm a guessed name and contact) is overwritten with zeros,
    /// and once the erasure is committed the WAL, which still holds the pages as they
    /// were at registration, is checkpointed and truncated.
    public func erasePrivateData(of id: MemberID, by principal: Principal) async throws -> MemberView {
        let outcome: WriteOutcome<MemberView> = try await write(idempotency: nil) { db, now in
            guard let view = try Self.memberView(db, id: id) else {
                throw Rejection.notFound(resource: "member", reference: id.rawValue)
            }
            let action = try MemberSteps.erasePrivateData(of: id, erasedAt: view.erasedAt, at: now)
            try Self.insert(Erasure(id: id, erasedAt: now), in: db)
            try db.execute("DELETE FROM member_private WHERE member_id = ?", [id.rawValue])
            try Self.forgetRegistrationFingerprint(db, of: id)
            try AuditLogWriter.append(db, event: .fundAction(action), balances: [], by: principal, at: now)
            guard let erased = try Self.memberView(db, id: id) else { preconditionFailure("the member exists") }
            return erased
        }
        guard case .applied(let view) = outcome else { preconditionFailure("erasure takes no idempotency key") }
        await engine.forgetErasedData(logger: logger)
        return view
    }

    /// Zeroes the fingerprint of the request that registered `id`: the stored response of
    /// a member's creation is the only one whose top-level `id` is the member's.
    static func forgetRegistrationFingerprint(_ db: some SQLConnection, of id: MemberID) throws {
        try forgetFingerprints(db, ofResponsesNaming: id.rawValue)
    }

    /// Zeroes the fingerprints (SHA-256 of method, path and body) of the requests whose
    /// stored response has `id` as its top-level `"id"`: a fingerprint confirms a guessed
    /// body, so it must not outlive the private data the body held. The key stays taken.
    static func forgetFingerprints(_ db: some SQLConnection, ofResponsesNaming id: String) throws {
        let marker = Array("\"id\":\"\(id)\"".utf8)
        let zeroes = [UInt8](repeating: 0, count: 32)
        try db.execute(
            """
            UPDATE idempotency_keys SET fingerprint = ?
            WHERE \(db.dialect.bytesContain("response_body")) AND fingerprint <> ?
            """,
            [zeroes, marker, zeroes]
        )
    }


    public func createFund(
        _ draft: FundDraft, by principal: Principal, idempotency: Idempotency<Fund>?
    ) async throws -> WriteOutcome<Fund> {
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let fund = try draft.validated(id: FundID(bytes: identifiers.nextIdentifierBytes()), at: now)
            let codeIsTaken =
                try db.fetchValue(Int.self, "SELECT 1 FROM funds WHERE code = ?", [fund.code]) != nil
            let registered = try Set(fund.assets.filter { try LedgerRows.asset(db, code: $0) != nil })
            let creating = try FundSteps.create(
                fund, codeIsTaken: codeIsTaken, registeredAssets: registered, identifiers: identifiers, at: now
            )
            try Self.insert(creating, in: db)
            try AuditLogWriter.append(db, event: .fundAction(creating.action), balances: [], by: principal, at: now)
            return fund
        }
    }

    /// Writes a created fund: its row, its assets with their limits, its standing accounts.
    static func insert(_ creating: FundSteps.Creating, in db: some SQLConnection) throws {
        try insert(creating.fund, in: db)
        for account in creating.accounts {
            // Stored fact, refused again by the accounts table's unique code.
            guard try LedgerRows.account(db, reference: .code(account.code)) == nil else {
                throw Rejection.accountExists(code: account.code)
            }
            try insert(account, in: db)
        }
    }

    /// Writes a fund's row and its assets with their limits.
    static func insert(_ fund: Fund, in db: some SQLConnection) throws {
        let seq = try db.fetchValue(
            Int64.self, "INSERT INTO funds (id, code, name, created_at) VALUES (?, ?, ?, ?) RETURNING seq",
            [fund.id.rawValue, fund.code, fund.name, fund.createdAt.description]
        )
        for asset in fund.assets {
            try db.execute("""
                    INSERT INTO fund_assets (fund_seq, asset, two_approvals_above, cash_adjustment_approval_above)
                    VALUES (?, ?, ?, ?)
                    """, [
                    seq, asset.rawValue, fund.twoApprovalsAbove[asset]?.minorUnits,
                    fund.cashAdjustmentApprovalAbove[asset]?.minorUnits,
                ])
        }
    }

    public func privateMemberData() async throws -> [MemberID: MemberPrivateData] {
        try await engine.read { db in
            var records: [MemberID: MemberPrivateData] = [:]
            try db.forEachRow("SELECT member_id, data FROM member_private ORDER BY member_id", []) { row in
                guard let id = MemberID(try LedgerRows.text(row, "member_id")),
                    let data = MemberPrivateData(
                        canonicalBytes: [UInt8](try row.value([UInt8].self, named: "data"))
                    )
                else {
                    throw StorageError.corruptRow(table: "member_private", detail: "member id or data does not parse")
                }
                records[id] = data
                return true
            }
            return records
        }
    }

    public func fund(_ reference: String) async throws -> Fund? {
        try await engine.read { db in
            let row = try db.fetchOne("SELECT * FROM funds WHERE id = ? OR code = ?", [reference, reference])
            return try row.map { try Self.fund(db, from: $0) }
        }
    }

    public func funds(page: PageRequest) async throws -> Page<Fund> {
        let after =
            try page.cursor.map { cursor in
                guard cursor.fields.count == 2, cursor.fields[0] == "fund", let seq = Int64(cursor.fields[1]) else {
                    throw InvalidCursor()
                }
                return seq
            } ?? Int64(0)
        return try await engine.read { db in
            let rows = try db.fetchAll(
                "SELECT * FROM funds WHERE seq > ? ORDER BY seq LIMIT ?", [after, page.limit + 1]
            )
            let funds = try rows.prefix(page.limit).map { try Self.fund(db, from: $0) }
            let next =
                rows.count > page.limit
                ? try rows.prefix(page.limit).last.map {
                    PageCursor(fields: ["fund", String(try LedgerRows.integer($0, "seq"))])
                } : nil
            return Page(items: funds, nextCursor: next)
        }
    }

    // MARK: Rows

    /// SHA-256(salt || canonical private data): the commitment the log holds to a member's,
    /// a beneficiary's or a key's private data. The writers and `verify` share this one
    /// function, so what `verify` recomputes is exactly what was committed to.
    static func privateDataCommitment(salt: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: salt + data))
    }

    static func memberView(_ db: some SQLConnection, id: MemberID) throws -> MemberView? {
        guard
            let row = try db.fetchOne("SELECT * FROM members WHERE id = ?", [id.rawValue])
        else { return nil }
        let privateRow = try db.fetchOne("SELECT data FROM member_private WHERE member_id = ?", [id.rawValue])
        let privateData = try privateRow.map { privateRow in
            let bytes = [UInt8](try privateRow.value([UInt8].self, named: "data"))
            guard let data = MemberPrivateData(canonicalBytes: bytes) else {
                throw StorageError.corruptRow(table: "member_private", detail: "data does not parse")
            }
            return data
        }
        guard let visibility = Member.Visibility(rawValue: try LedgerRows.text(row, "visibility")) else {
            throw StorageError.corruptRow(table: "members", detail: "visibility does not parse")
        }
        let recordedProfile = try Self.recordedProfile(row)
        let publicName = try row.value(String?.self, named: "public_name")
        let member = Member(
            id: id, visibility: visibility, profile: recordedProfile ?? privateData?.profile,
            name: publicName ?? privateData?.name,
            registeredAt: try LedgerRows.parse(row, "registered_at", table: "members", Timestamp.init)
        )
        let erasedAt = try db.fetchValue(
            String.self, "SELECT erased_at FROM member_erasures WHERE member_id = ?", [id.rawValue]
        ).flatMap(Timestamp.init)
        return MemberView(
            member: member, recordedProfile: recordedProfile, privateData: privateData,
            commitment: [UInt8](try row.value([UInt8].self, named: "commitment")), erasedAt: erasedAt
        )
    }

    /// The kind, country and region a members row holds, all three or none.
    static func recordedProfile(_ row: some SQLRow) throws -> Member.Profile? {
        let kindText = try row.value(String?.self, named: "kind")
        let countryText = try row.value(String?.self, named: "country")
        let region = try row.value(String?.self, named: "region")
        if kindText == nil && countryText == nil && region == nil { return nil }
        guard let kind = kindText.flatMap(Member.Kind.init(rawValue:)),
            let country = countryText.flatMap(CountryCode.init), let region
        else {
            throw StorageError.corruptRow(table: "members", detail: "kind, country or region does not parse")
        }
        return Member.Profile(kind: kind, country: country, region: region)
    }

    static func fund(_ db: some SQLConnection, from row: some SQLRow) throws -> Fund {
        let seq = try LedgerRows.integer(row, "seq")
        let assetRows = try db.fetchAll("""
                    SELECT asset, two_approvals_above, cash_adjustment_approval_above FROM fund_assets
                    WHERE fund_seq = ? ORDER BY asset
                    """, [seq])
        var assets: [AssetCode] = []
        var thresholds: [AssetCode: Amount] = [:]
        var adjustmentLimits: [AssetCode: Amount] = [:]
        for assetRow in assetRows {
            let asset = try LedgerRows.parse(assetRow, "asset", table: "fund_assets", AssetCode.init)
            assets.append(asset)
            if let value = try assetRow.value(Int64?.self, named: "two_approvals_above"),
                let amount = Amount(minorUnits: value)
            {
                thresholds[asset] = amount
            }
            if let value = try assetRow.value(Int64?.self, named: "cash_adjustment_approval_above"),
                let amount = Amount(minorUnits: value)
            {
                adjustmentLimits[asset] = amount
            }
        }
        return Fund(
            id: try LedgerRows.parse(row, "id", table: "funds", FundID.init), code: try LedgerRows.text(row, "code"),
            name: try LedgerRows.text(row, "name"), assets: assets, twoApprovalsAbove: thresholds,
            cashAdjustmentApprovalAbove: adjustmentLimits,
            createdAt: try LedgerRows.parse(row, "created_at", table: "funds", Timestamp.init)
        )
    }
}

/// A member with what the store holds about them: the private data while it exists,
/// the commitment to it, and when it was erased.
public struct MemberView: Sendable, Equatable {
    /// The member, its profile and name from the row or, while it exists, the private data.
    public let member: Member
    /// The profile the members row (and so the log) holds: `nil` for anonymous members
    /// registered since profiles became private.
    public let recordedProfile: Member.Profile?
    /// `nil` once erased.
    public let privateData: MemberPrivateData?
    /// SHA-256(salt || private data), as in the audit log.
    public let commitment: [UInt8]
    public let erasedAt: Timestamp?
}
