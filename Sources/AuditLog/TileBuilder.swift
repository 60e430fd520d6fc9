/// The tiles of a log computed from its entries alone: append entries in order and get
/// back each full tile (hashes of every level, and entry bundles) the moment it completes;
/// at any size, `partialTiles` gives the partial ones and `root` the Merkle root.
///
/// Why: a mirror must never take a hash from the server it copies. It recomputes every
/// tile from the entry bytes, checks the root against a checkpoint the witnesses cosigned,
/// and only then publishes — so its copy is exactly the witnessed log, servable as tiles.
public struct TileBuilder: Sendable {
    /// The tree so far: its root, and the nodes each new leaf completes.
    public private(set) var frontier: MerkleFrontier
    /// The entries of the bundle not yet full.
    private var entries: [[UInt8]]
    /// Per tile level, the hashes of the tile not yet full.
    private var hashes: [[Hash]]

    /// The tree size covered.
    public var treeSize: Int64 { frontier.treeSize }
    /// The Merkle root of the entries appended so far.
    public var root: Hash { frontier.root }

    /// A builder for the empty log.
    public init() {
        frontier = MerkleFrontier()
        entries = []
        hashes = []
    }

    /// A builder resuming at `treeSize` from the tiles of that tree: `tile` returns a
    /// tile's bytes (nil when missing). Reads one partial tile per level, the partial
    /// entry bundle and one tile per frontier peak. Throws `TileError` when a tile the
    /// size needs is missing or malformed.
    public init(treeSize: Int64, tile: (LogTile) throws -> [UInt8]?) throws {
        (frontier, entries, hashes) = try withoutActuallyEscaping(tile) { tile in
            try Self.restore(TileNodeSource(treeSize: treeSize, tile: tile))
        }
    }

    /// The frontier, the partial bundle and the partial hash tiles of `source`'s tree.
    private static func restore(
        _ source: TileNodeSource
    ) throws -> (MerkleFrontier, [[UInt8]], [[Hash]]) {
        let frontier: MerkleFrontier
        do {
            frontier = try MerkleFrontier(treeSize: source.treeSize, source: source)
        } catch let error as TileError {
            throw error
        } catch {
            throw TileError.malformed("the tiles do not cover a tree of \(source.treeSize): \(error)")
        }
        var hashes: [[Hash]] = []
        var entries: [[UInt8]] = []
        for partial in LogTile.tiles(treeSize: source.treeSize, entries: true) where partial.isPartial {
            let bytes = try source.bytes(of: partial)
            switch partial.kind {
            case .entries:
                entries = try TileNodeSource.decodeBundle(bytes, width: partial.width, path: partial.path)
            case .hashes(let level):
                while hashes.count <= level { hashes.append([]) }
                hashes[level] = try TileNodeSource.decodeHashes(bytes, width: partial.width, path: partial.path)
            }
        }
        let leaves = hashes.first ?? []
        guard entries.count == leaves.count, zip(entries, leaves).allSatisfy({ MerkleHash.leafHash($0) == $1 }) else {
            throw TileError.malformed("the partial entry bundle does not hash to the partial level-0 tile")
        }
        return (frontier, entries, hashes)
    }

    /// Appends the next entry; returns the full tiles it completes (its bundle, the
    /// level-0 tile, and any tile above that the new node fills), each with its bytes.
    public mutating func append(entry: [UInt8]) -> [(tile: LogTile, bytes: [UInt8])] {
        var completed: [(tile: LogTile, bytes: [UInt8])] = []
        entries.append(entry)
        if entries.count == LogTile.fullWidth {
            let index = treeSize / Int64(LogTile.fullWidth)
            // Entries are checked against the bundle limit by the caller's decoding.
            if let tile = LogTile(kind: .entries, index: index), let bytes = try? EntryBundle.encode(entries) {
                completed.append((tile, bytes))
            }
            entries = []
        }
        for node in frontier.append(leafHash: MerkleHash.leafHash(entry)) where node.level % 8 == 0 {
            let level = node.level / 8
            while hashes.count <= level { hashes.append([]) }
            hashes[level].append(node.hash)
            guard hashes[level].count == LogTile.fullWidth else { continue }
            if let tile = LogTile(kind: .hashes(level: level), index: node.index / Int64(LogTile.fullWidth)) {
                completed.append((tile, hashes[level].flatMap(\.bytes)))
            }
            hashes[level] = []
        }
        return completed
    }

    /// The partial tiles of the tree as it stands (none at a multiple of 256 at every level).
    public var partialTiles: [(tile: LogTile, bytes: [UInt8])] {
        var tiles: [(tile: LogTile, bytes: [UInt8])] = []
        let fullWidth = Int64(LogTile.fullWidth)
        if !entries.isEmpty, let tile = LogTile(kind: .entries, index: treeSize / fullWidth, width: entries.count),
           let bytes = try? EntryBundle.encode(entries) {
            tiles.append((tile, bytes))
        }
        var nodes = treeSize
        for (level, pending) in hashes.enumerated() {
            defer { nodes /= fullWidth }
            guard !pending.isEmpty,
                  let tile = LogTile(kind: .hashes(level: level), index: nodes / fullWidth, width: pending.count)
            else { continue }
            tiles.append((tile, pending.flatMap(\.bytes)))
        }
        return tiles
    }
}

/// Why a tile set cannot be read as a tree.
public enum TileError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .missing(let path): "tile \(path) is missing"
        case .malformed(let reason): reason
        }
    }
}

/// The complete nodes of a tree read from its hash tiles: node (l, i) is in the tile at
/// level ⌊l/8⌋, hashed up from 2^(l mod 8) of its hashes when l is not a multiple of 8.
struct TileNodeSource: MerkleNodeSource {
    let treeSize: Int64
    let tile: (LogTile) throws -> [UInt8]?

    func currentTreeSize() throws -> Int64 { treeSize }

    func node(level: Int, index: Int64) throws -> Hash {
        let tileLevel = level / 8
        let span = Int64(1) << (level % 8)
        let first = index * span
        let fullWidth = Int64(LogTile.fullWidth)
        let nodesAtLevel = treeSize >> (8 * tileLevel)
        let tileIndex = first / fullWidth
        let width = Int(min(fullWidth, nodesAtLevel - tileIndex * fullWidth))
        guard width > 0, let tile = LogTile(kind: .hashes(level: tileLevel), index: tileIndex, width: width) else {
            throw TileError.malformed("node (\(level), \(index)) is outside a tree of \(treeSize)")
        }
        let hashes = try Self.decodeHashes(try bytes(of: tile), width: width, path: tile.path)
        let start = Int(first - tileIndex * fullWidth)
        guard start + Int(span) <= hashes.count else {
            throw TileError.malformed("node (\(level), \(index)) is not complete in \(tile.path)")
        }
        return Self.subtreeRoot(hashes[start..<start + Int(span)])
    }

    /// A tile's bytes, or `TileError.missing`.
    func bytes(of tile: LogTile) throws -> [UInt8] {
        guard let bytes = try self.tile(tile) else { throw TileError.missing(tile.path) }
        return bytes
    }

    /// The root of a perfect subtree from its leftmost-level hashes (a power of two of them).
    static func subtreeRoot(_ hashes: ArraySlice<Hash>) -> Hash {
        var level = Array(hashes)
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map {
                MerkleHash.nodeHash(left: level[$0], right: level[$0 + 1])
            }
        }
        return level[0]
    }

    static func decodeHashes(_ bytes: [UInt8], width: Int, path: String) throws -> [Hash] {
        guard bytes.count == width * Hash.byteCount else {
            throw TileError.malformed("\(path) holds \(bytes.count) bytes, not \(width) hashes")
        }
        return try stride(from: 0, to: bytes.count, by: Hash.byteCount).map { offset in
            do {
                return try Hash(bytes: Array(bytes[offset..<offset + Hash.byteCount]))
            } catch {
                throw TileError.malformed("\(path): \(error)")
            }
        }
    }

    static func decodeBundle(_ bytes: [UInt8], width: Int, path: String) throws -> [[UInt8]] {
        let entries: [[UInt8]]
        do {
            entries = try EntryBundle.decode(bytes)
        } catch {
            throw TileError.malformed("\(path) is not an entry bundle: \(error)")
        }
        guard entries.count == width else {
            throw TileError.malformed("\(path) holds \(entries.count) entries, not \(width)")
        }
        return entries
    }
}
