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
    static var keyNamespace: String { "import/" }

    public let store: Store
    public let limits: RequestLimits
    public let principal: Principal
    public let batchSize: Int

    public init(store: Store, limits: RequestLimits = .standard, principal: Principal, batchSize: Int = 1_000) {
        self.store = store
        self.limits = limits
        self.principal = principal
        self.batchSize = max(1, min(batchSize, 10_000))
    }

    /// Imports the file at `path`; `progress` is called after every committed batch.
    public func run(path: String, atomic: Bool = false, progress: (ImportSummary) -> Void = { _ in }) async throws -> ImportSummary {
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
            let bytes: [UInt8]
            switch read {
            case .failure(let rejected):
                summary.lines += 1
                summary.reject(line: rejected.line, reason: rejected.reason)
                continue
            case .success(let line):
                guard line.contains(where: { !Self.isBlank($0) }) else { continue }
                bytes = line
            }
            summary.lines += 1
            do {
                let item = try JSONRequest.decode(
                    TransactionController<Store>.BatchRequest.Item.self, from: bytes, depthMax: limits.jsonDepthMax
                )
                let checked = try TransactionController<Store>.batchItem(item, field: "", limits: limits, keyNamespace: Self.keyNamespace)
                if !checked.problems.isEmpty { throw Problem.invalidRequest(checked.problems) }
                pending.append(PendingLine(line: number, draft: checked.draft, idempotency: checked.idempotency))
            } catch let problem as Problem {
                summary.reject(line: number, reason: Self.reason(problem))
                continue
            }
            if !atomic, pending.count >= batchSize {
                if let previous = inFlight {
                    try await previous.finish(into: &summary)
                    progress(summary)
                }
                inFlight = start(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        guard atomic else {
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
        guard summary.rejectedCount == 0 else {
            summary.rolledBack = true
            return summary
        }
        do {
            let outcomes = try await store.recordTransactions(pending.map { ($0.draft, $0.idempotency) }, atomic: true, by: principal)
            for outcome in outcomes {
                if case .replayed = outcome { summary.replayed += 1 } else { summary.imported += 1 }
            }
        } catch let failure as BatchRejection {
            summary.reject(line: pending[failure.index].line, reason: Self.reason(Problem(failure.rejection)))
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

    /// Records one batch (each line alone: a rejected line is rolled back by itself) and
    /// empties it.
    /// A batch handed to the store, whose outcomes are counted when it is finished.
    struct InFlightBatch {
        let lines: [PendingLine]
        let write: Task<[BatchItemOutcome], any Error>

        /// Waits for the batch's commit and counts what became of each line.
        func finish(into summary: inout ImportSummary) async throws {
            for (item, outcome) in zip(lines, try await write.value) {
                switch outcome {
                case .applied: summary.imported += 1
                case .replayed: summary.replayed += 1
                case .rejected(let rejection): summary.reject(line: item.line, reason: TransactionImport.reason(Problem(rejection)))
                }
            }
        }
    }

    /// Starts writing `lines` as one non-atomic batch.
    private func start(_ lines: [PendingLine]) -> InFlightBatch {
        let store = store
        let principal = principal
        let items = lines.map { ($0.draft, $0.idempotency) }
        return InFlightBatch(lines: lines, write: Task { try await store.recordTransactions(items, atomic: false, by: principal) })
    }

    /// A problem as one line of text: its code, then the fields it names or its detail.
    static func reason(_ problem: Problem) -> String {
        guard !problem.errors.isEmpty else { return "\(problem.code): \(problem.detail)" }
        return "\(problem.code): " + problem.errors.map { "\($0.field) \($0.detail)" }.joined(separator: "; ")
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
}

/// A line that was not recorded, and why.
public struct ImportRejectedLine: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
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
        if rejections.count < Self.rejectionsKept { rejections.append(ImportRejectedLine(line: line, reason: reason)) }
    }
}

/// Why an import could not run at all (a line's problems are in the summary instead).
public enum ImportError: Error, CustomStringConvertible {
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

    private mutating func finish(_ line: [UInt8], tooLong: Bool) -> (number: Int, line: Result<[UInt8], ImportRejectedLine>) {
        number += 1
        if tooLong { return (number, .failure(ImportRejectedLine(line: number, reason: "line_too_long: longer than \(lineBytesMax) bytes"))) }
        var bytes = line
        if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.last == 0x0D { bytes.removeLast() }
        return (number, .success(bytes))
    }
}
