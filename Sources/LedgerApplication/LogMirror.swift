public import AuditLog
import Foundation

/// A member's verified copy of the fund's log, kept as tlog-tiles in a directory that any
/// static web server can serve (and another mirror can follow).
///
/// One `update` takes the source's checkpoint, requires the policy's quorum of witnesses
/// on it, fetches the entry bundles past the local copy, recomputes every tile from the
/// entries (no hash is taken from the source) and publishes the checkpoint only when the
/// recomputed root is the witnessed one. Growing from the local checkpoint's tree is the
/// consistency proof: the old entries are kept, so a root that matches proves the new tree
/// extends the old. The directory's `checkpoint` is the commit point: written last, whole
/// or not at all; tiles past it are unverified leftovers of an interrupted run, reused (and
/// verified) by the next one, or removed when the source sent a tree that did not match.
public struct LogMirror: Sendable {
    public let directory: TileDirectory
    public let policy: WitnessPolicy
    public let source: any TileSource
    /// Bundles fetched ahead while earlier ones are checked.
    public var fetchesInFlight = 8

    public init(directory: TileDirectory, policy: WitnessPolicy, source: any TileSource) {
        self.directory = directory
        self.policy = policy
        self.source = source
    }

    /// What one update did.
    public struct Update: Sendable, Equatable {
        public let from: Int64
        public let to: Int64
        /// The witnesses whose cosignatures the new checkpoint carries.
        public let witnesses: Set<String>
    }

    /// Brings the copy up to the source's witnessed checkpoint. `progress` gets the entries
    /// copied so far and the target size every bundle or so.
    public func update(progress: @Sendable (Int64, Int64) -> Void = { _, _ in }) async throws -> Update {
        let local = try localCheckpoint()
        guard let bytes = try await source.fetch("checkpoint") else { throw MirrorError.noCheckpoint }
        let (remote, witnesses) = try witnessed(bytes)
        let from = local?.checkpoint.treeSize ?? 0
        if let local {
            guard local.checkpoint.origin == remote.origin else {
                throw MirrorError.otherLog(local: local.checkpoint.origin, source: remote.origin)
            }
            guard remote.treeSize >= from else { throw MirrorError.rolledBack(local: from, source: remote.treeSize) }
            if remote.treeSize == from {
                guard remote.rootHash == local.checkpoint.rootHash else { throw MirrorError.splitView(treeSize: from) }
                try directory.writeDurably(bytes, to: "checkpoint")
                return Update(from: from, to: from, witnesses: witnesses)
            }
        }
        var builder = try local.map { local in
            let builder = try TileBuilder(treeSize: from) { try directory.read($0.path) }
            guard builder.root == local.checkpoint.rootHash else {
                throw MirrorError.corrupt("the directory's tiles do not give its checkpoint's root")
            }
            return builder
        } ?? TileBuilder()
        do {
            try await copyEntries(into: &builder, upTo: remote.treeSize, progress: progress)
            guard builder.root == remote.rootHash else {
                throw MirrorError.splitView(treeSize: remote.treeSize)
            }
        } catch {
            // Nothing unverified may stay: the next run starts again from the checkpoint.
            directory.removeTiles(past: from, upTo: remote.treeSize)
            throw error
        }
        for (tile, tileBytes) in builder.partialTiles { try directory.writeQuickly(tileBytes, to: tile.path) }
        try directory.syncAll()
        try directory.writeDurably(bytes, to: "checkpoint")
        return Update(from: from, to: remote.treeSize, witnesses: witnesses)
    }

    /// The directory's checkpoint, signed by the policy's log (its cosignatures may be of
    /// witnesses the policy has since retired: it was checked when it was written).
    func localCheckpoint() throws -> (checkpoint: Checkpoint, note: [UInt8])? {
        guard let bytes = try directory.read("checkpoint") else { return nil }
        guard let note = try? SignedNote(parsing: bytes), (try? note.verify(using: policy.logs.map(\.verifier))) != nil,
              let checkpoint = try? Checkpoint(parsing: note.text)
        else { throw MirrorError.corrupt("the directory's checkpoint is not signed by the policy's log") }
        return (checkpoint, bytes)
    }

    /// The source's checkpoint, which the policy's quorum must have cosigned.
    func witnessed(_ bytes: [UInt8]) throws -> (Checkpoint, Set<String>) {
        guard let note = try? SignedNote(parsing: bytes), let witnesses = policy.verify(note),
              let checkpoint = try? Checkpoint(parsing: note.text)
        else { throw MirrorError.notWitnessed }
        return (checkpoint, witnesses)
    }

    /// Fetches the bundles from the one holding entry `builder.treeSize` to the one ending
    /// at `size` (a bounded number ahead), appends their new entries and writes each tile
    /// as it completes.
    private func copyEntries(
        into builder: inout TileBuilder, upTo size: Int64, progress: @Sendable (Int64, Int64) -> Void
    ) async throws {
        let width = Int64(LogTile.fullWidth)
        let bundles = builder.treeSize / width..<(size + width - 1) / width
        try await withThrowingTaskGroup(of: (Int64, [[UInt8]]).self) { group in
            var next = bundles.lowerBound
            var arrived: [Int64: [[UInt8]]] = [:]
            for index in bundles {
                while next < bundles.upperBound, next < index + Int64(fetchesInFlight) {
                    let bundle = next
                    group.addTask { (bundle, try await self.bundle(bundle, treeSize: size)) }
                    next += 1
                }
                while arrived[index] == nil {
                    guard let (bundle, entries) = try await group.next() else { break }
                    arrived[bundle] = entries
                }
                let entries = arrived.removeValue(forKey: index) ?? []
                try append(entries, firstIndex: index * width, to: &builder)
                progress(builder.treeSize, size)
            }
        }
    }

    /// Appends the entries of one bundle past the builder's size (those before it must be
    /// the ones the copy holds: the source may not rewrite history inside a bundle).
    private func append(_ entries: [[UInt8]], firstIndex: Int64, to builder: inout TileBuilder) throws {
        let known = Int(builder.treeSize - firstIndex)
        if known > 0 {
            let kept = try directory.read(LogTile(kind: .entries, index: firstIndex / 256, width: known)?.path ?? "")
            guard let kept, (try? EntryBundle.decode(kept)) == Array(entries.prefix(known)) else {
                throw MirrorError.splitView(treeSize: builder.treeSize)
            }
        }
        for entry in entries.dropFirst(max(known, 0)) {
            for (tile, bytes) in builder.append(entry: entry) { try directory.writeQuickly(bytes, to: tile.path) }
        }
    }

    /// The entries of bundle `index` of a tree of `treeSize`: from the directory when an
    /// interrupted run left the full bundle there (verified with the rest at the end),
    /// else from the source.
    private func bundle(_ index: Int64, treeSize: Int64) async throws -> [[UInt8]] {
        let width = Int(min(Int64(LogTile.fullWidth), treeSize - index * Int64(LogTile.fullWidth)))
        guard let tile = LogTile(kind: .entries, index: index, width: width) else {
            throw MirrorError.corrupt("no bundle \(index) in a tree of \(treeSize)")
        }
        if !tile.isPartial, let kept = try directory.read(tile.path), let entries = try? EntryBundle.decode(kept),
           entries.count == width {
            return entries
        }
        guard let bytes = try await source.fetch(tile.path) else { throw MirrorError.missing(tile.path) }
        let entries: [[UInt8]]
        do {
            entries = try EntryBundle.decode(bytes)
        } catch {
            throw MirrorError.corrupt("\(tile.path) is not an entry bundle: \(error)")
        }
        guard entries.count == width else {
            throw MirrorError.corrupt("\(tile.path) holds \(entries.count) entries, not \(width)")
        }
        return entries
    }
}

/// Why a mirror did not take the source's log.
public enum MirrorError: Error, Equatable, CustomStringConvertible {
    case noCheckpoint
    case notWitnessed
    case otherLog(local: String, source: String)
    case rolledBack(local: Int64, source: Int64)
    case splitView(treeSize: Int64)
    case missing(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .noCheckpoint: "the source has no checkpoint"
        case .notWitnessed: "the source's checkpoint is not signed by the policy's log and cosigned by its quorum"
        case .otherLog(let local, let source): "the copy is of log \(local), the source serves \(source)"
        case .rolledBack(let local, let source):
            "the source's witnessed tree (\(source) entries) is smaller than the copy's (\(local)): keep this copy"
        case .splitView(let size):
            """
            the source's entries do not give its witnessed checkpoint's root at size \(size), or differ from \
            the copy's: a split view or a corrupt source; the copy is unchanged — keep it and the source's \
            checkpoint as evidence
            """
        case .missing(let path): "the source does not have \(path)"
        case .corrupt(let reason): reason
        }
    }
}
