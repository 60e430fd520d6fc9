import Foundation
import LedgerSQL

/// Private data against its commitment: whoever edits a copy of the database (a member's
/// name, contact or anonymous profile, a beneficiary's name) must not pass `verify`.
extension LedgerVerifier {
    /// A private table keyed by the id of what it belongs to, with its erasure table.
    struct PrivateTable {
        let table: String
        let key: String
        let erasures: String
        let owner: String

        static let member = PrivateTable(
            table: "member_private", key: "member_id", erasures: "member_erasures", owner: "member"
        )
        static let beneficiary = PrivateTable(
            table: "beneficiary_private", key: "disbursement_id", erasures: "beneficiary_erasures",
            owner: "beneficiary of disbursement"
        )
    }

    /// A member's private row must hash, with its salt, to the commitment its members row
    /// holds (which the caller compares with the log); once erased, no row may be left.
    static func checkMemberPrivateData(_ db: some SQLConnection, id: String, index: Int64) throws {
        let commitment = try db.fetchValue([UInt8].self, "SELECT commitment FROM members WHERE id = ?", [id])
        try checkPrivateData(db, .member, id: id, commitment: commitment.map { [UInt8]($0) }, index: index)
    }

    /// A named beneficiary's private row must hash, with its salt, to the commitment in
    /// `beneficiary_commitments` (compared with the log as part of the disbursement).
    static func checkBeneficiaryPrivateData(_ db: some SQLConnection, id: String, index: Int64) throws {
        let commitment = try db.fetchValue(
            [UInt8].self, "SELECT commitment FROM beneficiary_commitments WHERE disbursement_id = ?", [id]
        )
        try checkPrivateData(db, .beneficiary, id: id, commitment: commitment.map { [UInt8]($0) }, index: index)
    }

    /// Not erased: the row exists and SHA-256(salt || data), by the writers' own function,
    /// equals `commitment` byte for byte. Erased (an erasure recorded): no row. Without a
    /// commitment (a member recipient, a name logged in clear): no row either.
    static func checkPrivateData(
        _ db: some SQLConnection, _ place: PrivateTable, id: String, commitment: [UInt8]?, index: Int64
    ) throws {
        let row = try db.fetchOne("SELECT salt, data FROM \(place.table) WHERE \(place.key) = ?", [id])
        let isErased = try db.fetchValue(
            Bool.self, "SELECT EXISTS (SELECT 1 FROM \(place.erasures) WHERE \(place.key) = ?)", [id]
        ) ?? false
        let subject = "\(place.owner) \(id)"
        guard let commitment, !isErased else {
            guard row.map({ _ in true }) == nil else {
                let why = isErased ? "was erased" : "has no commitment"
                throw AuditFailure(index: index, detail: "\(subject) \(why), but \(place.table) still holds a row")
            }
            return
        }
        guard let row else {
            // A database rebuilt from the log never had the private data the log commits to.
            if try isRebuilt(db, covering: index) { return }
            throw AuditFailure(index: index, detail: "\(subject) has no row in \(place.table) and no recorded erasure")
        }
        let salt = [UInt8](try row.value([UInt8].self, named: "salt"))
        let data = [UInt8](try row.value([UInt8].self, named: "data"))
        guard SQLiteLedgerStore.privateDataCommitment(salt: salt, data: data) == commitment else {
            let detail = "\(subject): the private data in \(place.table) does not match the logged commitment"
            throw AuditFailure(index: index, detail: detail)
        }
    }

    /// Whether entry `index` was rebuilt from the log (`log_rebuilds`): the private data it
    /// only commits to may then be absent — never different. Entries written before a
    /// restore's backup or after a rebuild must have theirs, as in any ledger.
    static func isRebuilt(_ db: some SQLConnection, covering index: Int64) throws -> Bool {
        guard try hasTable(db, "log_rebuilds") else { return false }
        return try db.fetchValue(
            Bool.self, "SELECT EXISTS (SELECT 1 FROM log_rebuilds WHERE from_size <= ? AND tree_size > ?)",
            [index, index]
        ) ?? false
    }

    /// The largest tree size the database was rebuilt up to from its log; `nil` when it
    /// never was (or predates `log_rebuilds`: `verify` reads earlier releases' files unmigrated).
    static func rebuiltAt(_ db: some SQLConnection) throws -> Int64? {
        guard try hasTable(db, "log_rebuilds") else { return nil }
        return try db.fetchValue(Int64.self, "SELECT max(tree_size) FROM log_rebuilds")
    }

    /// Whether the database has `table` (a table added by a later migration is absent from
    /// an earlier release's file, which `verify` reads unmigrated).
    static func hasTable(_ db: some SQLConnection, _ table: String) throws -> Bool {
        let exists = db.dialect == .postgresql
            ? "SELECT to_regclass(?) IS NOT NULL"
            : "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)"
        return try db.fetchValue(Bool.self, exists, [table]) == true
    }

    /// No private row may belong to nothing: every one is checked through its owner's entry.
    static func checkOrphanPrivateRows(_ db: some SQLConnection) throws {
        let owners: [(PrivateTable, String, String)] = [
            (.member, "members", "id"), (.beneficiary, "beneficiary_commitments", "disbursement_id"),
        ]
        for (place, ownerTable, ownerKey) in owners {
            let orphans = try db.fetchValue(Int.self, """
                SELECT count(*) FROM \(place.table) WHERE \(place.key) NOT IN (SELECT \(ownerKey) FROM \(ownerTable))
                """) ?? 0
            guard orphans == 0 else {
                let detail = "\(place.table) holds \(orphans) rows of no \(place.owner) the log records"
                throw AuditFailure(index: nil, detail: detail)
            }
        }
    }
}
