// Goal: `serve --tiles-dir` leaves a directory any static server can publish as the log's
// C2SP tlog-tiles: after each publication it holds every tile of the checkpoint it holds
// (the bytes the API serves), the partial tiles of earlier sizes stay, a tile written once
// is never written again, no temporary file is left behind, and a restart resumes from
// the directory's checkpoint only if this log signed exactly that note.
import AuditLog
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct TileDirectoryTests {
    static func record(_ ledger: TestLedger, _ count: Int) async throws {
        let draft = TransactionDraft(date: "2026-11-20", description: "gift", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 100),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -100),
        ])
        _ = try await ledger.store.recordTransactions(Array(repeating: (draft, nil), count: count), atomic: true, by: .system)
    }

    static func contents(_ root: URL, _ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: root.appendingPathComponent(path).path).map(Array.init)
    }

    static func fileNumber(_ root: URL, _ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)[.systemFileNumber] as? Int
    }

    /// Every tile of a tree of `size` is on disk with the bytes the store serves.
    static func expectComplete(_ root: URL, size: Int64, store: any LedgerStore) async throws {
        for tile in LogTile.tiles(treeSize: size, entries: true) {
            let served = try await store.tile(tile)
            #expect(served != nil && Self.contents(root, tile.path) == served, "\(tile.path) of \(size)")
        }
    }

    @Test func theDirectoryHoldsEveryTileOfEachPublishedSize() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)]
        )
        try await Self.record(ledger, 300)
        let folder = try TemporaryDirectory()
        let tiles = TileDirectory(path: folder.path("tlog"))
        #expect(try await tiles.publishedSize(in: ledger.store) == 0)
        let first = try await tiles.publish(from: ledger.store, after: 0)
        #expect(first == 303)
        try await Self.expectComplete(tiles.root, size: first, store: ledger.store)
        let latest = try #require(try await ledger.store.latestCheckpoint())
        #expect(Self.contents(tiles.root, "checkpoint") == Array(latest.note.utf8))
        let fullTile = try #require(try Self.fileNumber(tiles.root, "tile/0/000"))

        try await Self.record(ledger, 10)
        let second = try await tiles.publish(from: ledger.store, after: first)
        #expect(second == 313)
        try await Self.expectComplete(tiles.root, size: second, store: ledger.store)
        // The earlier size's partial tiles stay; the full tile was not written again.
        #expect(Self.contents(tiles.root, "tile/0/001.p/47") != nil)
        #expect(Self.contents(tiles.root, "tile/entries/001.p/47") != nil)
        #expect(try Self.fileNumber(tiles.root, "tile/0/000") == fullTile)
        #expect(try await tiles.publish(from: ledger.store, after: second) == second)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: tiles.root.path).filter {
            $0.hasSuffix(".partial")
        }
        #expect(leftovers.isEmpty)

        // A restart resumes where the directory stands; another log's checkpoint does not count.
        #expect(try await tiles.publishedSize(in: ledger.store) == second)
        let forged = latest.note.replacingOccurrences(of: "\n303\n", with: "\n313\n")
        try Data(forged.utf8).write(to: tiles.root.appendingPathComponent("checkpoint"))
        #expect(try await tiles.publishedSize(in: ledger.store) == 0)
    }
}
