import Foundation
public import LedgerCore
public import LedgerStorage

/// Imports a JSON Lines file of transactions (`commons-ledger import`): one object per
/// line in the shape of a `POST /v1/transactions/batch` item (`date`, `description`,
/// `metadata`, `postings`, optional `idempotency_key`), read and checked exactly as the
/// API reads them.
///
/// The file is streamed in batches of `batchSize` lines, each one database transaction
/// with one signed checkpoint. A bad line is rejected alone — with its line number and
/// reason — and never stops or half-applies the good ones; lines with an
/// `idempotency_key` are replayed, not written again, when the import is run a second
/// time, so an interrupted import can simply be restarted. With `atomic`, the whole file
/// is one database transaction: the first bad line rolls everything back.
public struct TransactionImport<Store: LedgerStore>: Sendable {
    /// Idempotency keys of imported lines live apart from the API's.
    public static var keyNamespace: String { "import/" }

    /// The store the lines are recorded in.
    public let store: Store
    /// The operator's limits, applied to each line as to a request.
    public let limits: RequestLimits
    /// Who the audit log records as the author of the imported transactions.
    public let principal: Principal
    /// Lines per database transaction (and signed checkpoint), 1 to 10,000.
    public let batchSize: Int
    /// Reads one line as the API reads a batch item (the front end supplies it: the
    /// request shapes live with the wire contract).
    public let reader: any ImportLineReader

    /// An importer into `store`; `batchSize` is clamped to 1...10,000.
    public init(
        store: Store, limits: RequestLimits = .standard, principal: Principal, batchSize: Int = 1_000,
        reader: any ImportLineReader
    ) {
        self.store = store
        self.limits = limits
        self.principal = principal
        self.batchSize = max(1, min(batchSize, 10_000))
        self.reader = reader
    }

    /// Imports the file at `path`; `progress` is called after every committed batch.
    public func run(
        path: String, atomic: Bool = false, progress: (ImportSummary) -> Void = { _ in }
    ) async throws -> ImportSummary {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.unreadable(path) }
        defer { try? handle.close() }
        var reader = LineReader(handle: handle, lineBytesMax: limits.bodyBytesMax)
        var summary = ImportSummary()
        var pending: [PendingLine] = []
        // One batch is written while the next is read and checked: parsing runs on this
        // task, the write on the store's writer, so the two overlap (batches still commit
        // one after another, in file order).
        var inFlight: InFlightBatch?
        while let (number, read) = try reader.next() {
            guard let line = try self.line(number, read, into: &summary) else { continue }
            pending.append(line)
            if !atomic, pending.count >= batchSize {
                if let previous = inFlight {
                    try await previous.finish(into: &summary)
                    progress(summary)
                }
                inFlight = start(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if atomic { return try await writeAtomically(pending, summary: summary, progress: progress) }
        if let previous = inFlight {
            try await previous.finish(into: &summary)
            progress(summary)
        }
        if !pending.isEmpty {
            try await start(pending).finish(into: &summary)
            progress(summary)
        }
        summary.rejections.sort { $0.line < $1.line }
        return summary
    }

    /// One line read from the file, checked: the line to record, or `nil` for a blank
    /// line or one rejected (counted in `summary`).
    private func line(
        _ number: Int, _ read: Result<[UInt8], ImportRejectedLine>, into summary: inout ImportSummary
    ) throws -> PendingLine? {
        let bytes: [UInt8]
        switch read {
        case .failure(let rejected):
            summary.lines += 1
            summary.reject(line: rejected.line, reason: rejected.reason)
            return nil
        case .success(let line):
            guard line.contains(where: { !Self.isBlank($0) }) else { return nil }
            bytes = line
        }
        summary.lines += 1
        do {
            let read = try reader.read(bytes, limits: limits, keyNamespace: Self.keyNamespace)
            return PendingLine(line: number, draft: read.draft, idempotency: read.idempotency)
        } catch let refusal as ImportLineRefusal {
            summary.reject(line: number, reason: refusal.reason)
            return nil
        }
    }

    /// Writes the whole file as one database transaction, unless a line was already
    /// rejected: the first refusal rolls everything back.
    private func writeAtomically(
        _ pending: [PendingLine], summary: ImportSummary, progress: (ImportSummary) -> Void
    ) async throws -> ImportSummary {
        var summary = summary
        guard summary.rejectedCount == 0 else {
            summary.rolledBack = true
            return summary
        }
        do {
            let items = pending.map { ($0.draft, $0.idempotency) }
            let outcomes = try await store.recordTransactions(items, atomic: true, by: principal)
            for outcome in outcomes {
                if case .replayed = outcome { summary.replayed += 1 } else { summary.imported += 1 }
            }
        } catch let failure as BatchRejection {
            summary.reject(line: pending[failure.index].line, reason: Self.reason(failure.rejection))
            summary.rolledBack = true
        }
        progress(summary)
        return summary
    }

    /// A parsed line waiting for its batch.
    struct PendingLine: Sendable {
        let line: Int
        let draft: TransactionDraft
        let idempotency: Idempotency<LedgerTransaction>?
    }

    /// A batch handed to the store (each line alone: a rejected line is rolled back by
    /// itself), whose outcomes are counted when it is finished.
    struct InFlightBatch {
        let lines: [PendingLine]
        let write: Task<[BatchItemOutcome], any Error>

        /// Waits for the batch's commit and counts what became of each line.
        func finish(into summary: inout ImportSummary) async throws {
            for (item, outcome) in zip(lines, try await write.value) {
                switch outcome {
                case .applied: summary.imported += 1
                case .replayed: summary.replayed += 1
                case .rejected(let rejection):
                    summary.reject(line: item.line, reason: TransactionImport.reason(rejection))
                }
            }
        }
    }

    /// Starts writing `lines` as one non-atomic batch.
    private func start(_ lines: [PendingLine]) -> InFlightBatch {
        let store = store
        let principal = principal
        let items = lines.map { ($0.draft, $0.idempotency) }
        let write = Task { try await store.recordTransactions(items, atomic: false, by: principal) }
        return InFlightBatch(lines: lines, write: write)
    }

    /// A rejection as one line of text, from the one table of codes (`Rejection.text`).
    static func reason(_ rejection: Rejection) -> String {
        let text = rejection.text
        return ImportLineRefusal(code: text.code, detail: text.detail, errors: text.errors).reason
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
}

/// Reads one line of an import file as the API reads one item of
/// `POST /v1/transactions/batch`, so that a line of an import means what a batch item
/// means. The HTTP module provides it, where the request shapes live.
public protocol ImportLineReader: Sendable {
    /// The line's draft and idempotency claim (its key under `keyNamespace`), or the
    /// refusal the API would answer for it as a batch item.
    /// Any other error stops the import.
    func read(_ line: [UInt8], limits: RequestLimits, keyNamespace: String) throws -> ImportLine
}

/// A line read and checked, ready for its batch.
public struct ImportLine: Sendable {
    /// The transaction to record.
    public let draft: TransactionDraft
    /// Its idempotency claim, when the line carries a key.
    public let idempotency: Idempotency<LedgerTransaction>?

    /// A line ready for its batch.
    public init(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?) {
        self.draft = draft
        self.idempotency = idempotency
    }
}

/// Why a line was refused before it reached the store (broken JSON, unknown or mistyped
/// fields, limits): the code, detail and fields the API would answer.
public struct ImportLineRefusal: Error, Sendable, Equatable {
    /// The stable snake_case code, as the API would answer it.
    public let code: String
    /// This refusal's detail.
    public let detail: String
    /// The offending fields, when the refusal names any.
    public let errors: [FieldProblem]

    /// A refusal with `code`, `detail` and the fields it names.
    public init(code: String, detail: String, errors: [FieldProblem] = []) {
        self.code = code
        self.detail = detail
        self.errors = errors
    }

    /// The refusal as one line of text: its code, then the fields it names or its detail.
    public var reason: String {
        guard !errors.isEmpty else { return "\(code): \(detail)" }
        return "\(code): " + errors.map { "\($0.field) \($0.detail)" }.joined(separator: "; ")
    }
}

/// A line that was not recorded, and why.
public struct ImportRejectedLine: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    /// The reason: a code (`Rejection.text`'s, or the refusal's), then fields or detail.
    public let reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// Non-blank lines read.
    public internal(set) var lines = 0
    /// Transactions newly recorded.
    public internal(set) var imported = 0
    /// Lines whose idempotency key had already recorded the same transaction.
    public internal(set) var replayed = 0
    /// Lines rejected, in file order (at most `rejectionsKept`; `rejectedCount` counts all).
    public internal(set) var rejections: [ImportRejectedLine] = []
    public internal(set) var rejectedCount = 0
    /// True when an atomic import was refused and nothing was written.
    public internal(set) var rolledBack = false

    /// Most rejected lines whose reasons are kept.
    public static var rejectionsKept: Int { 1_000 }

    mutating func reject(line: Int, reason: String) {
        rejectedCount += 1
        if rejections.count < Self.rejectionsKept {
            rejections.append(ImportRejectedLine(line: line, reason: reason))
        }
    }
}

/// Why an import could not run at all (a line's problems are in the summary instead).
public enum ImportError: Error, CustomStringConvertible {
    /// The file cannot be opened for reading.
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        }
    }
}

/// Splits a file into lines without holding more than one line (bounded by
/// `lineBytesMax`) and one read buffer in memory. A longer line is reported, not kept.
struct LineReader {
    let handle: FileHandle
    let lineBytesMax: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var number = 0
    private var atEnd = false

    init(handle: FileHandle, lineBytesMax: Int) {
        self.handle = handle
        self.lineBytesMax = lineBytesMax
    }

    mutating func next() throws -> (number: Int, line: Result<[UInt8], ImportRejectedLine>)? {
        var tooLong = false
        var line: [UInt8] = []
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                if !tooLong { line += buffer[start..<newline] }
                start = newline + 1
                return finish(line, tooLong: tooLong || line.count > lineBytesMax)
            }
            if !tooLong { line += buffer[start...] }
            if line.count > lineBytesMax { tooLong = true; line = [] }
            buffer.removeAll(keepingCapacity: true)
            start = 0
            guard !atEnd, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else {
                atEnd = true
                guard tooLong || !line.isEmpty else { return nil }
                return finish(line, tooLong: tooLong)
            }
            buffer.append(contentsOf: chunk)
        }
    }

    private mutating func finish(
        _ line: [UInt8], tooLong: Bool
    ) -> (number: Int, line: Result<[UInt8], ImportRejectedLine>) {
        number += 1
        if tooLong {
            let reason = "line_too_long: longer than \(lineBytesMax) bytes"
            return (number, .failure(ImportRejectedLine(line: number, reason: reason)))
        }
        var bytes = line
        if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.last == 0x0D { bytes.removeLast() }
        return (number, .success(bytes))
    }
}
