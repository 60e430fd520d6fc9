// Goal: tile paths and tile sets follow C2SP tlog-tiles exactly — the specification's own
// examples (index 1,234,067 is `x001/x234/067`; a tree of 70,000 entries is 273 full
// level-0 tiles, a partial one of width 112, one full level-1 tile, a partial one of 17
// and a partial level-2 tile of width 1; a tree of 256 is one full level-0 tile and a
// partial level-1 tile of width 1) — every tile has exactly one path, anything else is
// refused, and entry bundles round-trip with 16-bit lengths.
import AuditLog
import Testing

struct LogTileTests {
    static func tile(_ kind: LogTile.Kind, _ index: Int64, _ width: Int = 256) throws -> LogTile {
        try #require(LogTile(kind: kind, index: index, width: width))
    }

    @Test func pathsAreTheSpecificationsForm() throws {
        #expect(try Self.tile(.hashes(level: 0), 1_234_067).path == "tile/0/x001/x234/067")
        #expect(try Self.tile(.hashes(level: 0), 0).path == "tile/0/000")
        #expect(try Self.tile(.hashes(level: 1), 1_000).path == "tile/1/x001/000")
        #expect(try Self.tile(.hashes(level: 63), 7, 12).path == "tile/63/007.p/12")
        #expect(try Self.tile(.entries, 1_234_067, 1).path == "tile/entries/x001/x234/067.p/1")
    }

    /// (tree size, expected tiles as (level or -1 for entries, full count, partial width)).
    static let shapes: [(Int64, [(Int, Int64, Int)])] = [
        (0, []),
        (1, [(0, 0, 1), (-1, 0, 1)]),
        (255, [(0, 0, 255), (-1, 0, 255)]),
        (256, [(0, 1, 0), (-1, 1, 0), (1, 0, 1)]),
        (257, [(0, 1, 1), (-1, 1, 1), (1, 0, 1)]),
        (65_537, [(0, 256, 1), (-1, 256, 1), (1, 1, 0), (2, 0, 1)]),
        (70_000, [(0, 273, 112), (-1, 273, 112), (1, 1, 17), (2, 0, 1)]),
    ]

    @Test(arguments: shapes.indices)
    func aTreeIsItsFullTilesAndOnePartialPerLevel(shape: Int) throws {
        let (size, expected) = Self.shapes[shape]
        let tiles = LogTile.tiles(treeSize: size, entries: true)
        var found: [(Int, Int64, Int)] = []
        for key in [0, -1, 1, 2, 3] {
            let ofKind = tiles.filter { tile in
                switch tile.kind {
                case .entries: key == -1
                case .hashes(let level): key == level
                }
            }
            guard !ofKind.isEmpty else { continue }
            #expect(ofKind.map(\.index) == Array(0..<Int64(ofKind.count)), "tiles of \(key) in order from 0")
            let full = Int64(ofKind.filter { !$0.isPartial }.count)
            found.append((key, full, ofKind.last { $0.isPartial }?.width ?? 0))
        }
        #expect(found.map { "\($0)" } == expected.map { "\($0)" }, "tree of \(size)")
        for tile in tiles {
            #expect(LogTile(path: tile.path) == tile, "\(tile.path) reads back")
            #expect(try #require(tile.treeSizeNeeded) <= size, "\(tile.path) is inside the tree of \(size)")
        }
    }

    @Test func eachTileNamesTheTreeSizeItNeeds() throws {
        #expect(try Self.tile(.hashes(level: 0), 2, 3).treeSizeNeeded == 515)
        #expect(try Self.tile(.hashes(level: 1), 0).treeSizeNeeded == 65_536)
        #expect(try Self.tile(.hashes(level: 2), 0, 1).treeSizeNeeded == 65_536)
        #expect(try Self.tile(.entries, 1, 1).treeSizeNeeded == 257)
        #expect(try Self.tile(.hashes(level: 7), 0).treeSizeNeeded == nil)  // 2^64 leaves
        #expect(try Self.tile(.hashes(level: 0), .max).treeSizeNeeded == nil)
    }

    @Test(arguments: [
        "tile/00/000", "tile/0/0", "tile/0/0000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/01",
        "tile/64/000", "tile/0/x000/005", "tile/0/005/", "tile//005", "tile/0/x005", "tile/0/1234",
        "tile/entries/000.p", "tiles/0/000", "tile/0/+05", "tile/0/\u{0665}05", "tile/0/000.p/5/x", "tile/0/000/.p/5",
        "tile/-1/000", "tile/0/x001/x002/x003/x004/x005/x006/x007/008", "tile/0", "tile/entries", "/tile/0/000",
        "tile/0/x1000/000", "tile/0/000.p/1.p/1",
    ])
    func everyOtherPathIsRefused(path: String) {
        #expect(LogTile(path: path) == nil)
    }

    @Test func aWidthOutsideOneTo256IsNoTile() {
        #expect(LogTile(kind: .hashes(level: 0), index: 0, width: 0) == nil)
        #expect(LogTile(kind: .hashes(level: 0), index: 0, width: 257) == nil)
        #expect(LogTile(kind: .hashes(level: 64), index: 0) == nil)
        #expect(LogTile(kind: .entries, index: -1) == nil)
    }

    @Test func bundlesCarryEachEntryWithABigEndianLength() throws {
        let entries: [[UInt8]] = [[], [0x41], Array(repeating: 7, count: 300), Array(repeating: 9, count: 65_535)]
        let bundle = try EntryBundle.encode(entries)
        #expect(Array(bundle.prefix(5)) == [0x00, 0x00, 0x00, 0x01, 0x41])
        #expect(Array(bundle[5...6]) == [0x01, 0x2C])  // 300
        #expect(bundle.count == entries.reduce(0) { $0 + 2 + $1.count })
        #expect(try EntryBundle.decode(bundle) == entries)
        #expect(throws: EntryBundle.BundleError.entryTooLong(position: 1, byteCount: 65_536)) {
            try EntryBundle.encode([[1], Array(repeating: 0, count: 65_536)])
        }
        #expect(throws: EntryBundle.BundleError.truncated(byteOffset: 0)) { try EntryBundle.decode([0x00]) }
        #expect(throws: EntryBundle.BundleError.truncated(byteOffset: 3)) {
            try EntryBundle.decode([0x00, 0x01, 0x41, 0x00, 0x02, 0x41])
        }
    }
}
