/// One tile of the log in the C2SP tlog-tiles layout: up to 256 consecutive Merkle Tree
/// Hashes of one level of the tree, or the entries that level 0's hashes are the leaf
/// hashes of (an entry bundle), addressed by a static path.
///
/// Why tiles: a log served as immutable files can be copied by anyone (a member's mirror,
/// a CDN, a plain web server) and any proof recomputed from them, so the operator's
/// server is no longer the only place the book lives.
///
/// The tile at level `L`, index `N`, holds for `i` in `0..<width` the hash of the subtree
/// `D[(N·256 + i)·256^L ..< (N·256 + i + 1)·256^L]`: the node at Merkle level `8·L`, index
/// `N·256 + i`. A full tile has 256 hashes; a partial one (`.p/W`) the first `W`.
public struct LogTile: Hashable, Sendable {
    /// Hashes of a tree level, or the entries themselves.
    public enum Kind: Hashable, Sendable {
        /// Merkle Tree Hashes at tile level `level` (0...63).
        case hashes(level: Int)
        /// The log entries under the level-0 tile of the same index.
        case entries
    }

    /// Hashes (or entries) in a full tile.
    public static let fullWidth = 256

    /// The highest tile level a path may name.
    public static let levelMax = 63

    public let kind: Kind
    /// The tile's position within its level, from 0 at the left.
    public let index: Int64
    /// How many hashes (or entries) it holds: 256 full, 1...255 partial.
    public let width: Int

    /// A tile; `nil` for a level outside 0...63, a negative index or a width outside
    /// 1...256 (an empty tile is never served).
    public init?(kind: Kind, index: Int64, width: Int = LogTile.fullWidth) {
        if case .hashes(let level) = kind, !(0...Self.levelMax).contains(level) { return nil }
        guard index >= 0, (1...Self.fullWidth).contains(width) else { return nil }
        self.kind = kind
        self.index = index
        self.width = width
    }

    /// Whether it holds fewer than 256 hashes.
    public var isPartial: Bool { width < Self.fullWidth }

    /// The Merkle level its hashes are at: `8 × L` (0 for entries).
    public var merkleLevel: Int {
        if case .hashes(let level) = kind { return 8 * level }
        return 0
    }

    /// The index, at `merkleLevel`, of its first hash.
    public var firstNode: Int64 { index &* Int64(Self.fullWidth) }

    /// The smallest tree size that contains every hash (or entry) the tile holds; `nil`
    /// when that size is past `Int64` (no such tree can exist).
    public var treeSizeNeeded: Int64? {
        let (nodes, overflow) = firstNode.addingReportingOverflow(Int64(width))
        guard !overflow, index <= Int64.max / Int64(Self.fullWidth) else { return nil }
        let shift = merkleLevel
        guard shift < 63, nodes <= Int64.max >> shift else { return nil }
        return nodes << shift
    }

    /// Every tile of a tree of `treeSize` entries that holds something: the full tiles of
    /// each level and, where the level does not end on a tile boundary, its partial tile;
    /// with `entries`, the entry bundles too.
    ///
    /// Why: a tree of size 70,000 is 273 full level-0 tiles, a partial one of width 112,
    /// one full level-1 tile, a partial one of width 17 and a partial level-2 tile of
    /// width 1 (the specification's example, a test here).
    public static func tiles(treeSize: Int64, entries: Bool = false) -> [LogTile] {
        var tiles: [LogTile] = []
        var level = 0
        var nodes = max(treeSize, 0)
        while nodes > 0, level <= levelMax {
            let full = nodes / Int64(fullWidth)
            let partial = Int(nodes % Int64(fullWidth))
            let kinds: [Kind] = level == 0 && entries ? [.hashes(level: 0), .entries] : [.hashes(level: level)]
            for kind in kinds {
                tiles += (0..<full).compactMap { LogTile(kind: kind, index: $0) }
                if partial > 0, let tile = LogTile(kind: kind, index: full, width: partial) { tiles.append(tile) }
            }
            nodes /= Int64(fullWidth)
            level += 1
        }
        return tiles
    }
}

extension LogTile {
    /// The path under the log's prefix: `tile/<L>/<N>[.p/<W>]` or
    /// `tile/entries/<N>[.p/<W>]`, `<N>` in 3-digit groups, all but the last prefixed
    /// with `x` (index 1,234,067 is `x001/x234/067`).
    public var path: String {
        let level: String
        switch kind {
        case .hashes(let value): level = String(value)
        case .entries: level = "entries"
        }
        var groups: [Int64] = []
        var rest = index
        repeat {
            groups.insert(rest % 1_000, at: 0)
            rest /= 1_000
        } while rest > 0
        let digits = groups.enumerated().map { position, group in
            let text = String(group)
            let padded = String(repeating: "0", count: 3 - text.count) + text
            return position == groups.count - 1 ? padded : "x" + padded
        }
        let partial = isPartial ? ".p/\(width)" : ""
        return "tile/\(level)/" + digits.joined(separator: "/") + partial
    }

    /// Parses a tile path (`tile/…`, without the prefix); `nil` unless it is exactly the
    /// path `path` prints for some tile: no leading zeros, no empty or extra elements, no
    /// width 256 written as partial.
    ///
    /// Why only the canonical form: each tile then has one name, so a cache never holds
    /// two copies and a path cannot be used to smuggle anything past a router.
    public init?(path: some StringProtocol) {
        let elements = path.split(separator: "/", omittingEmptySubsequences: false)
        guard elements.count >= 3, elements.count <= 12, elements[0] == "tile" else { return nil }
        let kind: Kind
        if elements[1] == "entries" {
            kind = .entries
        } else {
            guard let level = Self.decimal(elements[1], max: Int64(Self.levelMax)) else { return nil }
            kind = .hashes(level: Int(level))
        }
        var rest = elements.dropFirst(2)
        var width = Self.fullWidth
        if rest.count >= 2, let last = rest.last, let lastGroup = rest.dropLast().last, lastGroup.hasSuffix(".p") {
            guard let partial = Self.decimal(last, max: Int64(Self.fullWidth - 1)), partial > 0 else { return nil }
            width = Int(partial)
            rest = rest.dropLast()
            rest[rest.endIndex - 1] = lastGroup.dropLast(2)
        }
        var index: Int64 = 0
        for group in rest {
            let digits = group.hasPrefix("x") ? group.dropFirst() : group[...]
            guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits),
                  index <= (Int64.max - value) / 1_000
            else { return nil }
            index = index * 1_000 + value
        }
        guard let tile = LogTile(kind: kind, index: index, width: width), tile.path == path else { return nil }
        self = tile
    }

    /// A decimal number with no sign and no leading zero, at most `max`.
    private static func decimal(_ text: some StringProtocol, max: Int64) -> Int64? {
        PlainText.decimal(text).flatMap { $0 <= max ? $0 : nil }
    }
}
