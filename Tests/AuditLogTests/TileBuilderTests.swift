// Goal: the tiles a mirror computes from entries alone are exactly the tlog-tiles of the
// tree — the same set of paths `LogTile.tiles` names at every size (0, 1, 255, 256, 257,
// 65,536 + 1), the same hashes the tree's nodes have, the entries back from the bundles —
// and a builder resumed from the tiles of a smaller tree ends where an uninterrupted one
// does. A missing or truncated tile is an error, never a guess.
import AuditLog
import Testing

struct TileBuilderTests {
    static func entry(_ index: Int) -> [UInt8] { Array("entry \(index)".utf8) }

    /// Every tile of a tree of `size` (full ones as they complete, partial ones at the end).
    static func build(_ size: Int, from start: TileBuilder = TileBuilder()) -> (TileBuilder, [String: [UInt8]]) {
        var builder = start
        var tiles: [String: [UInt8]] = [:]
        for index in Int(builder.treeSize)..<size {
            for (tile, bytes) in builder.append(entry: entry(index)) { tiles[tile.path] = bytes }
        }
        for (tile, bytes) in builder.partialTiles { tiles[tile.path] = bytes }
        return (builder, tiles)
    }

    @Test(arguments: [0, 1, 255, 256, 257, 513, 65_537])
    func theTilesAreTheTreesTiles(size: Int) throws {
        let (builder, tiles) = Self.build(size)
        var tree = InMemoryMerkleTree()
        for index in 0..<size { _ = tree.append(entry: Self.entry(index)) }
        #expect(builder.root == tree.rootHash)
        let expected = LogTile.tiles(treeSize: Int64(size), entries: true)
        #expect(Set(tiles.keys) == Set(expected.map(\.path)))
        for tile in expected {
            let bytes = try #require(tiles[tile.path])
            switch tile.kind {
            case .entries:
                let first = Int(tile.firstNode)
                #expect(try EntryBundle.decode(bytes) == (first..<first + tile.width).map(Self.entry))
            case .hashes:
                let nodes = try (0..<Int64(tile.width)).map {
                    try tree.node(level: tile.merkleLevel, index: tile.firstNode + $0).bytes
                }
                #expect(bytes == nodes.flatMap { $0 }, "\(tile.path)")
            }
        }
    }

    @Test(arguments: [(0, 300), (1, 2), (255, 257), (256, 600), (257, 65_537), (300, 65_536)])
    func aResumedBuilderEndsWhereAnUninterruptedOneDoes(from: Int, to: Int) throws {
        let (_, before) = Self.build(from)
        let resumed = try TileBuilder(treeSize: Int64(from)) { before[$0.path] }
        #expect(resumed.treeSize == Int64(from))
        let (finished, after) = Self.build(to, from: resumed)
        let (straight, all) = Self.build(to)
        #expect(finished.root == straight.root)
        let tilesAfter = after.filter { !$0.key.contains(".p/") || all[$0.key] != nil }
        for (path, bytes) in tilesAfter { #expect(all[path] == bytes, "\(path)") }
        #expect(Set(after.keys).union(before.keys).isSuperset(of: all.keys))
    }

    @Test func aMissingOrShortTileIsAnError() throws {
        let (_, tiles) = Self.build(300)
        #expect(throws: TileError.missing("tile/0/001.p/44")) {
            try TileBuilder(treeSize: 300) { $0.path == "tile/0/001.p/44" ? nil : tiles[$0.path] }
        }
        #expect(throws: TileError.self) {
            try TileBuilder(treeSize: 300) {
                $0.path == "tile/1/000.p/1" ? Array((tiles[$0.path] ?? []).dropLast()) : tiles[$0.path]
            }
        }
        #expect(throws: TileError.self) {
            try TileBuilder(treeSize: 300) { $0.path == "tile/entries/001.p/44" ? [0, 1] : tiles[$0.path] }
        }
        let otherEntries = try EntryBundle.encode((256..<300).map { Self.entry($0 + 1) })
        #expect(throws: TileError.self) {
            try TileBuilder(treeSize: 300) { $0.path == "tile/entries/001.p/44" ? otherEntries : tiles[$0.path] }
        }
    }
}
