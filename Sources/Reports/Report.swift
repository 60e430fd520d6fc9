import AuditLog
import Crypto
public import LedgerCore

/// A computed report: its parameters, the signed checkpoint whose log it was computed
/// from, and its figures as named tables.
///
/// The content is canonical JSON (RFC 8785); its SHA-256 is the report's fingerprint.
/// Computing the same report from the same log entries gives the same bytes, which is
/// what `verify-report` checks.
public struct Report: Hashable, Sendable {
    /// The format of the content; bumped only by adding fields.
    public static let format = "commons-ledger-report/1"

    public let parameters: ReportParameters
    public let checkpoint: CheckpointReference
    /// The minor-unit scale of every asset the tables mention.
    public let assetScales: [AssetCode: Int]
    /// Headline figures (counts, ratios, flags), by name.
    public let summary: [String: JSONValue]
    public let tables: [ReportTable]
    /// Definitions and caveats a reader needs (how a figure is computed, what is excluded).
    public let notes: [String]

    public init(
        parameters: ReportParameters, checkpoint: CheckpointReference, assetScales: [AssetCode: Int],
        summary: [String: JSONValue], tables: [ReportTable], notes: [String]
    ) {
        self.parameters = parameters
        self.checkpoint = checkpoint
        self.assetScales = assetScales
        self.summary = summary
        self.tables = tables
        self.notes = notes
    }

    /// The table named `name`.
    public func table(_ name: String) -> ReportTable? { tables.first { $0.name == name } }

    /// The report's content as JSON: everything the fingerprint covers.
    public var content: JSONValue {
        .object([
            "format": .string(Self.format),
            "title": .string(parameters.name.title),
            "parameters": parameters.json,
            "checkpoint": checkpoint.json,
            "assets": .object(
                Dictionary(uniqueKeysWithValues: assetScales.map { ($0.key.rawValue, .integer(Int64($0.value))) })),
            "summary": .object(summary),
            "tables": .array(tables.map(\.json)),
            "notes": .array(notes.map(JSONValue.string)),
        ])
    }

    /// SHA-256 of the canonical content, lowercase hex.
    public var sha256: String { Self.sha256(of: content) }

    static func sha256(of content: JSONValue) -> String {
        SHA256.hash(data: content.canonicalBytes).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    /// The document written to files and served: `{"report": content, "sha256": hex}`,
    /// canonical JSON.
    public var document: JSONValue { .object(["report": content, "sha256": .string(sha256)]) }
}

/// A report document as read back from a file or a server, before it is trusted.
public struct ReportDocument: Sendable {
    public let content: JSONValue
    public let statedSHA256: String
    public let parameters: ReportParameters
    public let checkpoint: CheckpointReference

    /// Reads a document — JSON, or an HTML page of `ReportHTML` with the document
    /// embedded; checks its shape, not its figures.
    public init(bytes: [UInt8]) throws(ReportError) {
        var bytes = bytes
        if bytes.first == UInt8(ascii: "<") {
            guard let embedded = ReportHTML.embeddedDocument(in: bytes) else {
                throw .malformed("the page holds no report document")
            }
            bytes = embedded
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .malformed("the report is not JSON: \(error)")
        }
        guard case .object(let members) = json, let content = members["report"],
            case .string(let sha)? = members["sha256"],
            case .object(let fields) = content
        else { throw .malformed("a report document is {\"report\": {…}, \"sha256\": \"…\"}") }
        guard fields["format"] == .string(Report.format) else {
            throw .malformed("the report's format is not \(Report.format)")
        }
        guard let parameters = fields["parameters"], let checkpoint = fields["checkpoint"] else {
            throw .malformed("the report states no parameters or checkpoint")
        }
        self.content = content
        statedSHA256 = sha
        self.parameters = try ReportParameters(json: parameters)
        self.checkpoint = try CheckpointReference(json: checkpoint)
    }

    /// SHA-256 of the content as read.
    public var computedSHA256: String { Report.sha256(of: content) }

    /// SHA-256 of any report content, lowercase hex: how a report's fingerprint is made.
    public static func fingerprint(of content: JSONValue) -> String { Report.sha256(of: content) }

    /// The first place where `other` differs from this document's content, as a JSON
    /// path with both values; `nil` when they are identical.
    ///
    /// Text is compared by its UTF-8 bytes, never with Swift's `==` (which holds an NFD
    /// name equal to its NFC original): a report is proven by its exact bytes, and a
    /// re-encoded name or figure is a change.
    public func firstDifference(from other: JSONValue) -> String? {
        Self.difference(content, other, path: "report")
    }

    static func difference(_ stated: JSONValue, _ computed: JSONValue, path: String) -> String? {
        switch (stated, computed) {
        case (.object(let left), .object(let right)):
            // Dictionary keys are matched with `==` too: pair the names byte for byte first.
            let leftNames = left.keys.sorted(by: JSONValue.precedesCanonically)
            let rightNames = right.keys.sorted(by: JSONValue.precedesCanonically)
            for (l, r) in zip(leftNames, rightNames) where !l.utf8.elementsEqual(r.utf8) {
                let statedName = JSONValue.string(l).canonicalText, computedName = JSONValue.string(r).canonicalText
                return "\(path): the report has the member \(statedName) where the computation has \(computedName)"
            }
            for key in Set(left.keys).union(right.keys).sorted(by: JSONValue.precedesCanonically) {
                guard let l = left[key] else {
                    return "\(path).\(key): missing from the report, computed \(right[key]!.canonicalText)"
                }
                guard let r = right[key] else { return "\(path).\(key): in the report, not in the computation" }
                if let found = difference(l, r, path: "\(path).\(key)") { return found }
            }
            return nil
        case (.array(let left), .array(let right)):
            for index in 0..<min(left.count, right.count) {
                if let found = difference(left[index], right[index], path: "\(path)[\(index)]") { return found }
            }
            return left.count == right.count
                ? nil : "\(path): the report has \(left.count) items, the computation \(right.count)"
        default:
            let same = stated.canonicalBytes == computed.canonicalBytes
            guard !same else { return nil }
            return "\(path): the report says \(stated.canonicalText), the log gives \(computed.canonicalText)"
        }
    }
}

/// The signed checkpoint a report was computed from: the log's first `treeSize` entries.
public struct CheckpointReference: Hashable, Sendable {
    public let origin: String
    public let treeSize: Int64
    /// Base64 of the RFC 6962 root hash.
    public let rootHash: String
    /// The complete C2SP signed note, verifiable with the log's public key.
    public let note: String

    /// Reads the checkpoint a signed note carries (the signature is checked by the
    /// verifier, which knows the trusted key).
    public init(note: String) throws(ReportError) {
        guard let split = note.utf8.firstRange(of: "\n\n".utf8) else {
            throw .malformed("the checkpoint note has no signature block")
        }
        let body = String(note[..<split.lowerBound]) + "\n"
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(parsing: body)
        } catch {
            throw .malformed("the checkpoint does not parse: \(error)")
        }
        origin = checkpoint.origin
        treeSize = checkpoint.treeSize
        rootHash = checkpoint.rootHash.base64EncodedString
        self.note = note
    }

    var json: JSONValue {
        .object([
            "origin": .string(origin), "tree_size": .integer(treeSize), "root_hash": .string(rootHash),
            "note": .string(note),
        ])
    }

    init(json: JSONValue) throws(ReportError) {
        guard case .object(let members) = json, case .string(let note)? = members["note"] else {
            throw .malformed("the report's checkpoint needs its signed note")
        }
        try self.init(note: note)
        guard json.canonicalBytes == self.json.canonicalBytes else {
            throw .malformed("the report's checkpoint fields disagree with its signed note")
        }
    }
}

/// One table of a report: named columns and rows of cells.
public struct ReportTable: Hashable, Sendable {
    public let name: String
    public let title: String
    public let columns: [Column]
    public private(set) var rows: [[JSONValue]]

    public init(name: String, title: String, columns: [Column], rows: [[JSONValue]] = []) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    mutating func append(_ row: [JSONValue]) {
        precondition(row.count == columns.count, "a row has one cell per column")
        rows.append(row)
    }

    /// The cell of `column` in row `index`.
    public func cell(_ index: Int, _ column: String) -> JSONValue? {
        guard let position = columns.firstIndex(where: { $0.name == column }), rows.indices.contains(index) else {
            return nil
        }
        return rows[index][position]
    }

    /// The rows as dictionaries, for tests and readers that look up by column name.
    public var records: [[String: JSONValue]] {
        rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns.map(\.name), row)) }
    }

    var json: JSONValue {
        .object([
            "name": .string(name), "title": .string(title),
            "columns": .array(
                columns.map { column in
                    .object([
                        "name": .string(column.name), "title": .string(column.title),
                        "type": .string(column.type.rawValue),
                    ])
                }),
            "rows": .array(rows.map(JSONValue.array)),
        ])
    }

    /// A column: its name, its heading and how its cells read.
    public struct Column: Hashable, Sendable {
        public let name: String
        public let title: String
        public let type: CellType

        public init(_ name: String, _ title: String, _ type: CellType) {
            self.name = name
            self.title = title
            self.type = type
        }
    }

    /// How a column's cells read.
    public enum CellType: String, Hashable, Sendable {
        case text, integer, date, boolean
        /// Integer minor units of the asset in the row's `asset` column.
        case amount
        /// Exact decimal text ("0.6667"), or null when undefined (a zero denominator).
        case ratio
    }
}
