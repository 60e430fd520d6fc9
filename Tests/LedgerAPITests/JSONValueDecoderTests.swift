// Goal: a request body is parsed once (the strict parser's tree is both shape-checked and
// decoded) without changing a single answer: for every body below, decoding the tree gives
// the same value or the same field problem as Foundation's JSONDecoder did on the bytes.
import Foundation
@testable import LedgerAPI
import LedgerCore
import LedgerStorage
import Testing
@testable import WireContract

@Suite struct JSONValueDecoderTests {
    typealias Transaction = TransactionController<SQLiteLedgerStore>.CreateRequest
    typealias Batch = TransactionController<SQLiteLedgerStore>.BatchRequest
    typealias Pledge = PledgeController<SQLiteLedgerStore>.CreateRequest
    typealias Member = MemberController<SQLiteLedgerStore>.CreateRequest
    typealias Key = KeyController<SQLiteLedgerStore>.CreateRequest
    typealias Asset = AssetController<SQLiteLedgerStore>.CreateRequest

    /// The field problem (or none) each way of decoding reports for `body`.
    static func outcomes<Body: JSONRequestBody>(_ type: Body.Type, _ body: String) throws -> (FieldProblem?, FieldProblem?) {
        let tree = try JSONParser.parse(Array(body.utf8))
        func problem(_ decode: () throws -> Body) -> FieldProblem? {
            do {
                _ = try decode()
                return nil
            } catch let error as DecodingError {
                return JSONRequest.fieldProblem(error)
            } catch {
                return FieldProblem(field: "(unexpected)", detail: "\(error)")
            }
        }
        let foundation = problem { try JSONDecoder().decode(Body.self, from: Data(body.utf8)) }
        let once = problem { try JSONValueDecoder.decode(Body.self, from: tree) }
        return (foundation, once)
    }

    static let transactionBodies = [
        #"{"date": "2026-01-05", "postings": [{"account": "a", "asset": "USD", "amount": 5}]}"#,
        #"{"date": "2026-01-05", "description": null, "metadata": null, "postings": []}"#,
        #"{"date": "2026-01-05", "metadata": {"a": [1, true, null, "x", {"b": -9223372036854775808}]}, "postings": []}"#,
        #"{"postings": []}"#,
        #"{"date": 20260105, "postings": []}"#,
        #"{"date": null, "postings": []}"#,
        #"{"date": "2026-01-05", "postings": null}"#,
        #"{"date": "2026-01-05", "postings": {}}"#,
        #"{"date": "2026-01-05", "postings": [null]}"#,
        #"{"date": "2026-01-05", "postings": [5]}"#,
        #"{"date": "2026-01-05", "postings": [{"account": "a", "asset": "USD", "amount": "5"}]}"#,
        #"{"date": "2026-01-05", "postings": [{"account": "a", "asset": "USD", "amount": true}]}"#,
        #"{"date": "2026-01-05", "postings": [{"account": "a", "asset": "USD"}]}"#,
        #"{"date": "2026-01-05", "postings": [{"account": "a", "asset": "USD", "amount": 1}, {"account": 7}]}"#,
        #"{"date": "2026-01-05", "description": ["x"], "postings": []}"#,
    ]

    @Test(arguments: transactionBodies) func transactionBodiesDecodeAsFoundationDid(body: String) throws {
        let (foundation, once) = try Self.outcomes(Transaction.self, body)
        #expect(foundation == once)
    }

    static let otherBodies: [(any JSONRequestBody.Type, String)] = [
        (Batch.self, #"{"transactions": [{"idempotency_key": 5, "date": "d", "postings": []}]}"#),
        (Batch.self, #"{"atomic": 1, "transactions": []}"#),
        (Batch.self, #"{"atomic": true, "transactions": [{"date": "d", "postings": []}]}"#),
        (Pledge.self, #"{"member_id": "m", "fund_id": "f", "asset": "USD", "amount": 1, "due_date": "d", "instalments": [{}]}"#),
        (Pledge.self, #"{"member_id": "m", "fund_id": "f", "asset": "USD", "amount": 1, "due_date": "d"}"#),
        (Member.self, #"{"name": "n", "kind": "k", "country": "c", "region": "r", "visibility": "v", "contact": null}"#),
        (Member.self, #"{"name": "n", "kind": "k", "country": "c", "region": "r", "visibility": false}"#),
        (Key.self, #"{"name": "n", "role": "admin", "expires_at": 3}"#),
        (Asset.self, #"{"code": "USD", "scale": "2"}"#),
        (Asset.self, #"{"code": "USD", "scale": 2}"#),
    ]

    @Test func otherBodiesDecodeAsFoundationDid() throws {
        for (type, body) in Self.otherBodies {
            let (foundation, once) = try Self.outcomes(type, body)
            #expect(foundation == once, "\(type): \(body)")
        }
    }

    /// Expected problems written by hand, so the two decoders cannot agree on a wrong answer.
    @Test func fieldProblemsNameTheField() throws {
        let amount = try Self.outcomes(Transaction.self, Self.transactionBodies[10]).1
        #expect(amount == FieldProblem(field: "postings[0].amount", detail: "must be a whole number within 64 bits (minor units)"))
        let missing = try Self.outcomes(Transaction.self, Self.transactionBodies[3]).1
        #expect(missing == FieldProblem(field: "date", detail: "is required"))
        let null = try Self.outcomes(Transaction.self, Self.transactionBodies[8]).1
        #expect(null == FieldProblem(field: "postings[0]", detail: "must be an object, not null"))
        let array = try Self.outcomes(Transaction.self, Self.transactionBodies[7]).1
        #expect(array == FieldProblem(field: "postings", detail: "must be an array"))
        #expect(try Self.outcomes(Transaction.self, Self.transactionBodies[2]).1 == nil)
    }

    @Test func metadataIsTheParsedTree() throws {
        let body = #"{"date": "2026-01-05", "metadata": {"n": 7, "s": "x"}, "postings": []}"#
        let decoded = try JSONValueDecoder.decode(Transaction.self, from: try JSONParser.parse(Array(body.utf8)))
        #expect(decoded.metadata == .object(["n": .integer(7), "s": .string("x")]))
        #expect(decoded.date == "2026-01-05")
    }
}
