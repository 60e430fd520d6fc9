public import LedgerApplication
public import LedgerCore
public import LedgerStorage

/// Reads a line of `commons-ledger import` exactly as `POST /v1/transactions/batch` reads
/// one item: strict JSON, the item's shape, the operator's limits, the reserved metadata
/// keys, the draft's own checks and the idempotency key (`TransactionRequests.batchItem`).
/// The importer itself (streaming, batches, the rejected-lines report) is
/// `LedgerApplication.TransactionImport`.
public struct BatchItemLineReader<Store: LedgerStore>: ImportLineReader {
    public init() {}

    /// The line's draft and idempotency claim, or the API's problem for it as a refusal.
    public func read(_ line: [UInt8], limits: RequestLimits, keyNamespace: String) throws -> ImportLine {
        do {
            let item = try JSONRequest.decode(
                TransactionRequests.Batch.Item.self, from: line, depthMax: limits.jsonDepthMax
            )
            let checked = try TransactionRequests.batchItem(
                item, field: "", limits: limits, keyNamespace: keyNamespace
            )
            if !checked.problems.isEmpty { throw Problem.invalidRequest(checked.problems) }
            return ImportLine(draft: checked.draft, idempotency: checked.idempotency)
        } catch let problem as Problem {
            throw ImportLineRefusal(code: problem.code, detail: problem.detail, errors: problem.errors)
        }
    }
}

extension TransactionImport {
    /// An importer that reads each line as the batch API reads an item.
    public init(
        store: Store, limits: RequestLimits = .standard, principal: Principal, batchSize: Int = 1_000
    ) {
        self.init(
            store: store, limits: limits, principal: principal, batchSize: batchSize,
            reader: BatchItemLineReader<Store>()
        )
    }
}
