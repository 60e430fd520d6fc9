/// A log checkpoint as defined by c2sp.org/tlog-checkpoint: origin, tree size and root hash.
///
/// Why: it is the text the log signs (as a signed note) to commit to its whole
/// history at a size; clients compare it with proofs, witnesses cosign it.
/// Building one validates every field, so `body` always parses back to the same value.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity, the first line (for example `ledger.example/audit`).
    public let origin: String
    /// The number of leaves in the tree.
    public let treeSize: Int64
    /// The RFC 6962 root hash of the tree at `treeSize`.
    public let rootHash: Hash
    /// Optional, opaque lines after the root hash (each non-empty, without its newline).
    public let extensionLines: [String]

    /// Creates a checkpoint after checking that every field can be written as a valid body.
    ///
    /// Why it throws: an origin or extension line holding a newline would
    /// produce text that parses differently from what was signed.
    public init(
        origin: String, treeSize: Int64, rootHash: Hash, extensionLines: [String] = []
    ) throws(CheckpointError) {
        guard !origin.isEmpty else {
            throw .emptyOrigin
        }
        guard !Checkpoint.containsControlCharacter(origin.utf8) else {
            throw .invalidOrigin
        }
        guard treeSize >= 0 else {
            throw .negativeTreeSize(treeSize)
        }
        for line in extensionLines {
            guard !line.isEmpty else {
                throw .emptyExtensionLine
            }
            guard !Checkpoint.containsControlCharacter(line.utf8) else {
                throw .invalidExtensionLine
            }
        }
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint body strictly.
    ///
    /// Why strict: two texts for one checkpoint would let a signed statement be
    /// re-spelled; so the size must be plain decimal without leading zeros, the
    /// root canonical base64 of 32 bytes, the text must end with a newline, and
    /// only newline may appear among the control characters.
    public init(parsing body: String) throws(CheckpointError) {
        let bytes = body.utf8
        guard bytes.count <= AuditLogLimits.maximumNoteByteCount else {
            throw .tooLarge(byteCount: bytes.count)
        }
        guard bytes.last == Checkpoint.newline else {
            throw .missingFinalNewline
        }
        var lines = bytes.split(separator: Checkpoint.newline, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        // The final newline leaves one empty string after it.
        lines.removeLast()
        guard !lines.contains(where: { Checkpoint.containsControlCharacter($0.utf8) }) else {
            throw .controlCharacter
        }
        guard lines.count >= 3 else {
            throw .tooFewLines(count: lines.count)
        }
        let treeSize = try Checkpoint.parseTreeSize(lines[1])
        let rootHash: Hash
        do throws(Hash.ParsingError) {
            rootHash = try Hash(base64: lines[2])
        } catch {
            throw .invalidRootHash(error)
        }
        try self.init(origin: lines[0], treeSize: treeSize, rootHash: rootHash, extensionLines: Array(lines[3...]))
    }

    /// The checkpoint text: origin, decimal size and base64 root, each on its own line, then the extension lines.
    ///
    /// Why: this exact text is what the log signs and what clients parse.
    public var body: String {
        var text = origin + "\n" + String(treeSize) + "\n" + rootHash.base64EncodedString + "\n"
        for line in extensionLines {
            text += line + "\n"
        }
        return text
    }

    private static let newline = UInt8(ascii: "\n")

    private static func containsControlCharacter(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.contains { $0 < 0x20 }
    }

    private static func parseTreeSize(_ line: String) throws(CheckpointError) -> Int64 {
        guard let value = PlainText.decimal(line) else { throw .invalidTreeSize(line) }
        return value
    }
}
