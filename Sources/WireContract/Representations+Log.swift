import AuditLog
import Foundation
import FundCore
public import LedgerCore
public import LedgerStorage

/// The audit log, its proofs and checkpoints, and API keys as the API shows them.
extension Representation {
    public struct EntryBody: Encodable, Sendable {
        let index: Int64
        /// Standard base64 of the exact bytes that were hashed.
        let data: String

        public init(_ entry: StoredLogEntry) {
            index = entry.index
            data = Base64Text.encode(entry.data)
        }
    }

    public struct EntriesBody: Encodable, Sendable {
        let entries: [EntryBody]
        let treeSize: Int64
        let nextCursor: String?

        public init(entries: [EntryBody], treeSize: Int64, nextCursor: String?) {
            self.entries = entries
            self.treeSize = treeSize
            self.nextCursor = nextCursor
        }

        enum CodingKeys: String, CodingKey {
            case entries
            case treeSize = "tree_size"
            case nextCursor = "next_cursor"
        }
    }

    public struct InclusionBody: Encodable, Sendable {
        let index: Int64
        let treeSize: Int64
        let hashes: [String]

        public init(index: Int64, treeSize: Int64, hashes: [String]) {
            self.index = index
            self.treeSize = treeSize
            self.hashes = hashes
        }

        enum CodingKeys: String, CodingKey {
            case index, hashes
            case treeSize = "tree_size"
        }
    }

    public struct ConsistencyBody: Encodable, Sendable {
        let first: Int64
        let second: Int64
        let hashes: [String]

        public init(first: Int64, second: Int64, hashes: [String]) {
            self.first = first
            self.second = second
            self.hashes = hashes
        }
    }

    public struct CheckpointBody: Encodable, Sendable {
        let treeSize: Int64
        let note: String
        let createdAt: String

        public init(_ checkpoint: StoredCheckpoint) {
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

    public struct TransactionProofBody: Encodable, Sendable {
        let transactionID: String
        let entry: EntryBody
        let leafHash: String
        let proof: InclusionBody
        let checkpoint: String

        public init(
            transactionID: String, entry: EntryBody, leafHash: String, proof: InclusionBody, checkpoint: String
        ) {
            self.transactionID = transactionID
            self.entry = entry
            self.leafHash = leafHash
            self.proof = proof
            self.checkpoint = checkpoint
        }

        enum CodingKeys: String, CodingKey {
            case entry, proof, checkpoint
            case transactionID = "transaction_id"
            case leafHash = "leaf_hash"
        }
    }

    /// A key as the API shows it; `token` only in the creation response. The key's and
    /// its person's names are staff members' personal data: shown to admins only.
    public struct KeyBody: Encodable, Sendable {
        let id: String
        let name: String?
        let role: String
        let personID: String
        let personName: String?
        let createdAt: String
        let expiresAt: String?
        let revokedAt: String?
        let token: String?

        public init(_ key: APIKey, token: String? = nil, personName: String? = nil, showsNames: Bool = true) {
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

    public struct KeyList: Encodable, Sendable {
        let items: [KeyBody]

        public init(items: [KeyBody]) {
            self.items = items
        }
    }
}

/// Standard base64 (RFC 4648 §4, with padding), as checkpoints use.
enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
