import AuditLog
import Foundation
import FundCore
import LedgerCore
import LedgerStorage

/// The audit log, its proofs and checkpoints, and API keys as the API shows them.
extension Representation {
    struct EntryBody: Encodable, Sendable {
        let index: Int64
        /// Standard base64 of the exact bytes that were hashed.
        let data: String

        init(_ entry: StoredLogEntry) {
            index = entry.index
            data = Base64Text.encode(entry.data)
        }
    }

    struct EntriesBody: Encodable, Sendable {
        let entries: [EntryBody]
        let treeSize: Int64
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case entries
            case treeSize = "tree_size"
            case nextCursor = "next_cursor"
        }
    }

    struct InclusionBody: Encodable, Sendable {
        let index: Int64
        let treeSize: Int64
        let hashes: [String]

        enum CodingKeys: String, CodingKey {
            case index, hashes
            case treeSize = "tree_size"
        }
    }

    struct ConsistencyBody: Encodable, Sendable {
        let first: Int64
        let second: Int64
        let hashes: [String]
    }

    struct CheckpointBody: Encodable, Sendable {
        let treeSize: Int64
        let note: String
        let createdAt: String

        init(_ checkpoint: StoredCheckpoint) {
            treeSize = checkpoint.treeSize
            note = checkpoint.note
            createdAt = checkpoint.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case note
            case treeSize = "tree_size"
            case createdAt = "created_at"
        }
    }

    struct TransactionProofBody: Encodable, Sendable {
        let transactionID: String
        let entry: EntryBody
        let leafHash: String
        let proof: InclusionBody
        let checkpoint: String

        enum CodingKeys: String, CodingKey {
            case entry, proof, checkpoint
            case transactionID = "transaction_id"
            case leafHash = "leaf_hash"
        }
    }

    /// A key as the API shows it; `token` only in the creation response. The key's and
    /// its person's names are staff members' personal data: shown to admins only.
    struct KeyBody: Encodable, Sendable {
        let id: String
        let name: String?
        let role: String
        let personID: String
        let personName: String?
        let createdAt: String
        let expiresAt: String?
        let revokedAt: String?
        let token: String?

        init(_ key: APIKey, token: String? = nil, personName: String? = nil, showsNames: Bool = true) {
            id = key.id
            name = showsNames ? key.name : nil
            role = key.role.rawValue
            personID = key.personID.rawValue
            self.personName = showsNames ? personName : nil
            createdAt = key.createdAt.description
            expiresAt = key.expiresAt?.description
            revokedAt = key.revokedAt?.description
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case id, name, role, token
            case personID = "person_id"
            case personName = "person_name"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case revokedAt = "revoked_at"
        }
    }

    struct KeyList: Encodable, Sendable {
        let items: [KeyBody]
    }
}
