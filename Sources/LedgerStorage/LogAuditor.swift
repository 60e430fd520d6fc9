public import AuditLog
import Foundation
import FundCore
public import LedgerCore

/// Checks a log entry by entry, trusting nothing but the bytes: each entry is canonical
/// JSON at its own index, chained to the previous entry's hash, obeys the ledger's rules
/// given everything before it (replayed), states the balances the replay computes, and
/// keeps four eyes per person (`FourEyes.Audit`).
/// It also recomputes the Merkle tree, so roots at any size can be compared with signed
/// checkpoints.
///
/// The same checks run on a database file (`LedgerVerifier`) and on a live server's
/// entries (`commons-ledger verify --url`).
public struct LogAuditor: Sendable {
    public private(set) var replay = LedgerReplay()
    /// Four eyes per person, checked from the entries alone.
    private var fourEyes = FourEyes.Audit()
    public private(set) var frontier = MerkleFrontier()
    /// Roots recorded at the sizes asked for in `init`, once the pass reaches them.
    public private(set) var roots: [Int64: Hash] = [:]
    /// The most recently consumed entry.
    public private(set) var lastEntry: LogEntry?
    /// The log's key hand-overs so far, each checked: signed by both keys, bound to its
    /// entry's index, following the previous one.
    public private(set) var keyHandovers: [LogKeyHandover] = []
    private var previousLeafHash: Hash?
    private let wantedSizes: Set<Int64>

    /// An auditor that records the tree root at each of `rootSizes`.
    public init(rootSizes: Set<Int64> = []) {
        wantedSizes = rootSizes
        if rootSizes.contains(0) { roots[0] = MerkleHash.emptyTreeHash }
    }

    /// The number of entries consumed so far.
    public var treeSize: Int64 { frontier.treeSize }

    /// An entry read and checked on its own — canonical JSON, a well-formed entry at the
    /// index it is stored at — with its leaf hash: the part of the checks that needs no
    /// earlier entry, so it can run ahead on another core.
    public struct ParsedEntry: Sendable {
        public let index: Int64
        public let entry: LogEntry
        public let leafHash: Hash
    }

    /// Parses and hashes one entry, independent of every other.
    public static func parse(index: Int64, data: [UInt8]) throws(AuditFailure) -> ParsedEntry {
        let json: JSONValue
        do {
            json = try JSONParser.parseCanonical(data)
        } catch {
            throw AuditFailure(index: index, detail: "entry is not canonical JSON (RFC 8785): \(error)")
        }
        let entry: LogEntry
        do {
            entry = try LogEntry(json: json)
        } catch {
            throw AuditFailure(index: index, detail: "entry does not parse: \(error)")
        }
        guard entry.index == index else {
            throw AuditFailure(index: index, detail: "entry states index \(entry.index)")
        }
        return ParsedEntry(index: index, entry: entry, leafHash: MerkleHash.leafHash(data))
    }

    /// Checks the next entry and returns it parsed, with its leaf hash.
    @discardableResult
    public mutating func consume(index: Int64, data: [UInt8]) throws(AuditFailure) -> (entry: LogEntry, leafHash: Hash)
    {
        guard index == treeSize else {
            throw AuditFailure(
                index: treeSize,
                detail: "expected entry \(treeSize), found entry \(index): entries "
                    + "are missing or out of order")
        }
        let parsed = try Self.parse(index: index, data: data)
        try accept(parsed)
        return (parsed.entry, parsed.leafHash)
    }

    /// Checks a parsed entry against everything before it: its place in the sequence, the
    /// hash chain, the ledger's rules (replayed) and the balances it states; then adds it
    /// to the tree.
    public mutating func accept(_ parsed: ParsedEntry) throws(AuditFailure) {
        let index = parsed.index
        let entry = parsed.entry
        guard index == treeSize else {
            throw AuditFailure(
                index: treeSize,
                detail: "expected entry \(treeSize), found entry \(index): entries "
                    + "are missing or out of order")
        }
        guard entry.previousHash == previousLeafHash?.base64EncodedString else {
            throw AuditFailure(
                index: index,
                detail: "previous_hash does not match the hash of entry \(index - 1): "
                    + "the chain is broken")
        }
        let balances: [BalanceSnapshot]
        do {
            balances = try replay.apply(entry.event)
        } catch {
            throw AuditFailure(index: index, detail: "replay refuses the entry: \(error)")
        }
        guard balances == entry.balances else {
            throw AuditFailure(
                index: index,
                detail: "entry states balances \(Self.describe(entry.balances)); replay "
                    + "computes \(Self.describe(balances))")
        }
        do {
            try fourEyes.accept(entry)
        } catch {
            throw AuditFailure(index: index, detail: "four eyes: \(error)")
        }
        if case .logKeyRotated(let rotation) = entry.event { keyHandovers.append(try Self.handover(rotation, index)) }
        _ = frontier.append(leafHash: parsed.leafHash)
        previousLeafHash = parsed.leafHash
        lastEntry = entry
        if wantedSizes.contains(frontier.treeSize) { roots[frontier.treeSize] = frontier.root }
    }

    /// A checkpoint's signature by one of `verifiers` checked and its text parsed: the
    /// part of `check` that needs no entry, so it can run on any core.
    public static func open(checkpointNote note: String, verifiers: [NoteVerifier]) throws(AuditFailure) -> Checkpoint {
        let verified: VerifiedNote
        do {
            verified = try SignedNote.open(note, verifiers: verifiers)
        } catch {
            throw AuditFailure(index: nil, detail: "checkpoint signature does not verify: \(error)")
        }
        do {
            return try Checkpoint(parsing: verified.text)
        } catch {
            throw AuditFailure(index: nil, detail: "checkpoint text does not parse: \(error)")
        }
    }

    /// Checks an opened checkpoint's root against the recomputed root at its size (which
    /// must already have been consumed).
    public func checkRoot(of checkpoint: Checkpoint) throws(AuditFailure) -> Checkpoint {
        guard checkpoint.treeSize <= treeSize else {
            throw AuditFailure(
                index: treeSize,
                detail: "checkpoint for \(checkpoint.treeSize) entries, but the log "
                    + "has only \(treeSize): entries were removed")
        }
        guard let root = roots[checkpoint.treeSize] else {
            // A signed note stored under another tree size than the one it signs.
            throw AuditFailure(
                index: nil,
                detail: "a stored checkpoint signs tree size \(checkpoint.treeSize), "
                    + "which is not the size it is stored under")
        }
        guard root == checkpoint.rootHash else {
            throw AuditFailure(
                index: checkpoint.treeSize - 1,
                detail: "checkpoint at size \(checkpoint.treeSize) signs root "
                    + "\(checkpoint.rootHash.base64EncodedString); the entries give \(root.base64EncodedString)"
            )
        }
        return checkpoint
    }

    /// The hand-over an entry records, checked: its note signed by both keys it names,
    /// the keys the entry names, and the entry's own index.
    static func handover(_ rotation: LogKeyRotation, _ index: Int64) throws(AuditFailure) -> LogKeyHandover {
        let handover: LogKeyHandover
        do {
            handover = try LogKeyHandover(note: rotation.handover)
        } catch {
            throw AuditFailure(index: index, detail: "\(error)")
        }
        guard handover.index == index, handover.oldKey.verifierKey == rotation.oldKey,
            handover.newKey.verifierKey == rotation.newKey
        else {
            throw AuditFailure(index: index, detail: "the key hand-over note is not the one this entry names")
        }
        return handover
    }

    /// The keys that may sign each tree size of this log, for a reader who trusts
    /// `verifiers` (`LogKeyChain`): the hand-overs consumed so far, anchored on them.
    public func keyChain(trusting verifiers: [NoteVerifier]) throws(AuditFailure) -> LogKeyChain {
        do {
            return try LogKeyChain(trusted: verifiers, handovers: keyHandovers)
        } catch {
            throw AuditFailure(index: nil, detail: "\(error)")
        }
    }

    /// Checks a signed checkpoint against the key chain: signature by a key in force at
    /// its size (a retired key's signature on a later size is refused), root equal to the
    /// log's at that size.
    public func check(checkpointNote note: String, chain: LogKeyChain) throws(AuditFailure) -> Checkpoint {
        let size = try Self.claimedSize(of: note)
        return try checkRoot(of: try Self.open(checkpointNote: note, verifiers: chain.verifiers(forTreeSize: size)))
    }

    /// The tree size a checkpoint note states, read before its signature is checked (to
    /// pick the keys in force at that size); the signature check follows.
    public static func claimedSize(of note: String) throws(AuditFailure) -> Int64 {
        do {
            return try Checkpoint(parsing: try SignedNote(parsing: note).text).treeSize
        } catch {
            throw AuditFailure(index: nil, detail: "the checkpoint does not parse: \(error)")
        }
    }

    static func describe(_ balances: [BalanceSnapshot]) -> String {
        "[" + balances.map { "\($0.accountCode) \($0.key.asset) \($0.balance.minorUnits)" }.joined(separator: ", ")
            + "]"
    }
}

/// The first thing that does not verify, and where.
public struct AuditFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first bad entry index, when the failure is tied to one.
    public let index: Int64?
    public let detail: String

    public init(index: Int64?, detail: String) {
        self.index = index
        self.detail = detail
    }

    public var description: String {
        if let index { "entry \(index): \(detail)" } else { detail }
    }
}
