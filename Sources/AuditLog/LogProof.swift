/// A proof of logging in the C2SP tlog-proof format — an entry's index, its inclusion
/// proof and the (cosigned) checkpoint it is proven against, plus opaque extra data —
/// that anyone can check offline against a policy:
///
///     c2sp.org/tlog-proof@v1
///     extra <base64>
///     index <N>
///     <base64 hash>…
///
///     <checkpoint>
///
/// The ledger's receipts carry the entry's exact bytes as the extra data, so a receipt is
/// self-contained: its leaf hash is recomputed from them, never taken on trust.
public struct LogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let extra: [UInt8]?
    public let index: Int64
    public let hashes: [Hash]
    public let checkpoint: SignedNote

    public init(extra: [UInt8]?, index: Int64, hashes: [Hash], checkpoint: SignedNote) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    /// The proof as text (a `.tlog-proof` file).
    public var text: String {
        var lines = [Self.header]
        if let extra { lines.append("extra " + Base64.encode(extra)) }
        lines.append("index \(index)")
        lines += hashes.map(\.base64EncodedString)
        return lines.joined(separator: "\n") + "\n\n" + checkpoint.message
    }

    /// Parses a proof; `nil` for anything that is not exactly the format.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard let blank = PlainText.firstBlankLine(in: bytes) else { return nil }
        let head = String(decoding: bytes[..<blank], as: UTF8.self)
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header), lines.count <= 70 else { return nil }
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let bytes = Base64.decode(line.dropFirst(6)) else { return nil }
            extra = bytes
            lines = lines.dropFirst()
        }
        guard let line = lines.popFirst(), line.hasPrefix("index "), let index = PlainText.decimal(line.dropFirst(6))
        else { return nil }
        var hashes: [Hash] = []
        for line in lines {
            guard let bytes = Base64.decode(line), let hash = try? Hash(bytes: bytes) else { return nil }
            hashes.append(hash)
        }
        guard let note = try? SignedNote(parsing: Array(bytes[(blank + 2)...])) else { return nil }
        self.init(extra: extra, index: index, hashes: hashes, checkpoint: note)
    }

    /// Why a proof does not hold.
    public enum Failure: Error, Equatable, Sendable {
        case noExtraData
        case checkpointNotTrusted
        case indexOutsideTree(index: Int64, treeSize: Int64)
        case inclusionDoesNotVerify
    }

    /// Checks the proof against `policy`: the checkpoint signed by one of its logs and
    /// cosigned by its quorum, the index inside the tree, and the extra data's leaf hash
    /// included at the index under the checkpoint's root. Returns the checkpoint and the
    /// witnesses that cosigned it.
    public func verify(policy: WitnessPolicy) throws(Failure) -> (checkpoint: Checkpoint, witnesses: Set<String>) {
        guard let extra else { throw .noExtraData }
        guard let witnesses = policy.verify(checkpoint), let parsed = try? Checkpoint(parsing: checkpoint.text) else {
            throw .checkpointNotTrusted
        }
        guard index >= 0, index < parsed.treeSize else {
            throw .indexOutsideTree(index: index, treeSize: parsed.treeSize)
        }
        guard MerkleVerifier.verifyInclusion(
            leafHash: MerkleHash.leafHash(extra), index: index, treeSize: parsed.treeSize, proof: hashes,
            root: parsed.rootHash
        ) else { throw .inclusionDoesNotVerify }
        return (parsed, witnesses)
    }
}
