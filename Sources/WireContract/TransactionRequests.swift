import Crypto
import FundCore
public import LedgerApplication
public import LedgerCore
public import LedgerStorage

/// The transaction request bodies, read by `POST /v1/transactions` and `/batch` and, line
/// by line, by `commons-ledger import`: one home, so a line of an import means exactly what
/// a batch item means, refusals and idempotency included.
public enum TransactionRequests {
    /// `POST /v1/transactions` body: signed postings, debit positive, credit negative.
    public struct Create: JSONRequestBody {
        public struct PostingRequest: Decodable, Sendable {
            public let account: String
            public let asset: String
            public let amount: Int64

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                account = try container.decode(String.self, forKey: .account)
                asset = try container.decode(String.self, forKey: .asset)
                amount = try container.decodeInteger(Int64.self, forKey: .amount)
            }

            enum CodingKeys: String, CodingKey {
                case account, asset, amount
            }
        }

        public let date: String
        public let description: String?
        public let metadata: JSONValue?
        public let postings: [PostingRequest]

        public static var shape: JSONShape {
            .object([
                "date": .value, "description": .value, "metadata": .any,
                "postings": .array(.object(["account": .value, "asset": .value, "amount": .integer])),
            ])
        }
    }

    /// `POST /v1/transactions/batch` body: up to `batchSizeMax` transactions, each with an
    /// optional idempotency key of its own.
    public struct Batch: JSONRequestBody {
        public struct Item: JSONRequestBody {
            public let idempotencyKey: String?
            public let date: String
            public let description: String?
            public let metadata: JSONValue?
            public let postings: [Create.PostingRequest]

            enum CodingKeys: String, CodingKey {
                case date, description, metadata, postings
                case idempotencyKey = "idempotency_key"
            }

            public static var shape: JSONShape {
                .object([
                    "idempotency_key": .value, "date": .value, "description": .value, "metadata": .any,
                    "postings": .array(.object(["account": .value, "asset": .value, "amount": .integer])),
                ])
            }
        }

        public let atomic: Bool?
        public let transactions: [Item]

        public static var shape: JSONShape {
            .object(["atomic": .value, "transactions": .array(Item.shape)])
        }
    }

    /// Most transactions in one batch request.
    public static var batchSizeMax: Int { 1_000 }

    /// One batch item read as the API reads it: the fields it breaks (named after the prefix `field`)
    /// — malformed fields refuse a whole request, as the document's schema does, while the
    /// ledger's rules (balance, accounts, overdrafts) are answered per item by the store —
    /// its draft, and its idempotency key under `keyNamespace`. The batch route and
    /// `commons-ledger import` share it, so a line of an import means what a batch item means.
    public static func batchItem(
        _ item: Batch.Item, field: String, limits: RequestLimits, keyNamespace: String
    ) throws -> (problems: [FieldProblem], draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?) {
        let description = UnicodeText.nfc(item.description)
        var problems = limits.problems(postings: item.postings.count, description: description, metadata: item.metadata)
            .map { FieldProblem(field: field + $0.field, detail: $0.detail) }
        problems += ReservedMetadata.problems(in: item.metadata, fieldPrefix: field)
        let draft = TransactionDraft(
            date: item.date, description: description, metadata: item.metadata,
            postings: item.postings.map { PostingDraft(account: $0.account, asset: $0.asset, amount: $0.amount) }
        )
        do {
            _ = try draft.checked()
        } catch Rejection.invalidFields(let fields) {
            problems += fields.map { FieldProblem(field: field + $0.field, detail: $0.detail) }
        } catch {
            // Other rejections (balance, accounts) are the store's to answer per item.
        }
        var idempotency: Idempotency<LedgerTransaction>?
        if let key = item.idempotencyKey {
            guard IdempotencyKeyText.isValid(key) else {
                let detail = "must be 1 to 255 visible ASCII characters"
                throw Problem.invalidRequest([FieldProblem(field: "\(field)idempotency_key", detail: detail)])
            }
            idempotency = Idempotency(
                key: keyNamespace + key, fingerprint: fingerprint(of: item),
                render: { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.Transaction($0))) }
            )
        }
        return (problems, draft, idempotency)
    }

    /// What makes two batch items the same request: their fields, as canonical JSON.
    static func fingerprint(of item: Batch.Item) -> [UInt8] {
        let value = JSONValue.object([
            "date": .string(item.date), "description": item.description.map(JSONValue.string) ?? .null,
            "metadata": item.metadata ?? .null,
            "postings": .array(item.postings.map {
                .object(["account": .string($0.account), "asset": .string($0.asset), "amount": .integer($0.amount)])
            }),
        ])
        var hasher = SHA256()
        hasher.update(data: Array("POST /v1/transactions/batch item\n".utf8))
        hasher.update(data: value.canonicalBytes)
        return Array(hasher.finalize())
    }
}

/// An idempotency key as the API accepts it, in a header or a batch item.
public enum IdempotencyKeyText {
    /// Whether `key` is 1 to 255 visible ASCII characters.
    public static func isValid(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= Limits.idempotencyKeyLengthMax
            && key.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7e }
    }
}
