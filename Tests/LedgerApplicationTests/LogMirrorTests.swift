// Goal: a member's mirror holds exactly the witnessed log and nothing it could not verify.
// It copies a ledger's tiles into a directory that is itself a tile set (every tile the
// ledger serves, byte for byte), follows the log as it grows, resumes after an
// interruption, and refuses — leaving its copy as it was, with no unverified tile behind —
// a checkpoint without the quorum, a smaller tree (a rollback), a different root at its
// own size (a fork), and entries that do not give the witnessed root.
import AuditLog
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct LogMirrorTests {
    static let witness = made { try Cosigner(name: NoteKeyName("w1.test"), seed: Array(repeating: 61, count: 32)) }
    static let policy = made {
        try WitnessPolicy(parsing: """
            log \(LogSigner.test.verifierKey)
            witness W1 \(witness.verifier.verifierKey)
            quorum W1
            """)
    }

    static func made<T>(_ body: () throws -> T) -> T {
        do { return try body() } catch { preconditionFailure("fixture: \(error)") }
    }

    /// A ledger publishing its tiles to a folder, its checkpoint cosigned by W1.
    struct Source {
        let ledger: TestLedger
        let tiles: TileDirectory
        var published: Int64 = 0

        init(_ folder: TemporaryDirectory) async throws {
            ledger = try await TestLedger()
            try await ledger.seed(
                assets: [("USD", 2)],
                accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)]
            )
            tiles = TileDirectory(path: folder.path("source"))
        }

        mutating func grow(by count: Int, amount: Int64 = 100, cosigned: Bool = true) async throws {
            let draft = TransactionDraft(date: "2026-11-20", description: "gift", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: amount),
                PostingDraft(account: "income:contributions", asset: "USD", amount: -amount),
            ])
            _ = try await ledger.store.recordTransactions(
                Array(repeating: (draft, nil), count: count), atomic: true, by: .system)
            published = try await tiles.publish(from: ledger.store, after: published)
            guard cosigned else { return }
            let note = try SignedNote(parsing: try #require(try tiles.read("checkpoint")))
            let line = try LogMirrorTests.witness.cosign(text: note.text, timestamp: 1_764_892_800)
            let witnessed = try SignedNote(text: note.text, signatures: note.signatures + [line])
            try tiles.writeDurably(Array(witnessed.message.utf8), to: "checkpoint")
        }
    }

    static func mirror(_ folder: TemporaryDirectory, from source: any TileSource) -> LogMirror {
        LogMirror(directory: TileDirectory(path: folder.path("mirror")), policy: policy, source: source)
    }

    /// Every tile of the source's tree, and its checkpoint, are in the mirror byte for byte.
    static func expectSame(_ mirror: LogMirror, _ source: Source) throws {
        for tile in LogTile.tiles(treeSize: source.published, entries: true) {
            #expect(try mirror.directory.read(tile.path) == source.tiles.read(tile.path), "\(tile.path)")
        }
        #expect(try mirror.directory.read("checkpoint") == source.tiles.read("checkpoint"))
    }

    @Test func theCopyIsTheWitnessedLogAndFollowsIt() async throws {
        let folder = try TemporaryDirectory()
        var source = try await Source(folder)
        try await source.grow(by: 300)
        let mirror = Self.mirror(folder, from: DirectoryTileSource(path: folder.path("source")))
        let first = try await mirror.update()
        #expect(first.from == 0 && first.to == source.published && first.witnesses == ["W1"])
        try Self.expectSame(mirror, source)
        try await source.grow(by: 10)
        let second = try await mirror.update()
        #expect(second.from == first.to && second.to == source.published)
        try Self.expectSame(mirror, source)
        #expect(try await mirror.update().to == second.to)

        // The copy is itself a tile set: a second mirror follows the first.
        let next = LogMirror(
            directory: TileDirectory(path: folder.path("second")), policy: Self.policy,
            source: DirectoryTileSource(path: folder.path("mirror"))
        )
        #expect(try await next.update().to == source.published)
    }

    @Test func anInterruptedCopyResumesAndAWrongOneLeavesNothing() async throws {
        let folder = try TemporaryDirectory()
        var source = try await Source(folder)
        try await source.grow(by: 1_000)
        let directory = DirectoryTileSource(path: folder.path("source"))
        var interrupted = Self.mirror(folder, from: FailingSource(inner: directory, failAfter: 3))
        interrupted.fetchesInFlight = 1
        await #expect(throws: FailingSource.Stop.self) { try await interrupted.update() }
        #expect(try interrupted.directory.read("checkpoint") == nil)
        #expect(try interrupted.directory.read("tile/entries/000") == nil, "unverified bundles are removed")
        #expect(try await Self.mirror(folder, from: directory).update().to == source.published)
        try Self.expectSame(Self.mirror(folder, from: directory), source)

        // Entries that are not the witnessed ones: refused, the copy stays as it was.
        try await source.grow(by: 600)
        let before = try #require(try Self.mirror(folder, from: directory).directory.read("checkpoint"))
        let tampered = Self.mirror(folder, from: TamperingSource(inner: directory, path: "tile/entries/004"))
        await #expect(throws: MirrorError.splitView(treeSize: source.published)) { try await tampered.update() }
        #expect(try tampered.directory.read("checkpoint") == before)
        #expect(try tampered.directory.read("tile/entries/004") == nil)
        #expect(try tampered.directory.read("tile/0/005") == nil)
        #expect(try await Self.mirror(folder, from: directory).update().to == source.published)
    }

    @Test func anUnwitnessedSmallerOrForkedLogIsRefused() async throws {
        let folder = try TemporaryDirectory()
        var source = try await Source(folder)
        try await source.grow(by: 20)
        let directory = DirectoryTileSource(path: folder.path("source"))
        let mirror = Self.mirror(folder, from: directory)
        let older = try #require(try source.tiles.read("checkpoint"))
        _ = try await mirror.update()

        try await source.grow(by: 5, cosigned: false)
        await #expect(throws: MirrorError.notWitnessed) { try await mirror.update() }
        try source.tiles.writeDurably(older, to: "checkpoint")
        try await source.grow(by: 5)
        let copied = try #require(try mirror.directory.read("checkpoint"))
        _ = try await mirror.update()
        try source.tiles.writeDurably(copied, to: "checkpoint")
        await #expect(throws: MirrorError.rolledBack(local: source.published, source: 23)) {
            try await mirror.update()
        }

        // Another ledger with the same key and the same size: a fork.
        let forkFolder = try TemporaryDirectory()
        var fork = try await Source(forkFolder)
        try await fork.grow(by: 30, amount: 101)
        #expect(fork.published == source.published)
        let forked = Self.mirror(folder, from: DirectoryTileSource(path: fork.tiles.root.path))
        await #expect(throws: MirrorError.splitView(treeSize: source.published)) { try await forked.update() }
    }
}

/// A source that stops answering after some bundles (a dropped connection).
struct FailingSource: TileSource {
    struct Stop: Error {}
    let inner: DirectoryTileSource
    let failAfter: Int
    let count = Counter()

    func fetch(_ path: String) async throws -> [UInt8]? {
        if path.hasPrefix("tile/entries/"), count.next() > failAfter { throw Stop() }
        return try await inner.fetch(path)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}

/// A source that changes one byte of one entry of one bundle.
struct TamperingSource: TileSource {
    let inner: DirectoryTileSource
    let path: String

    func fetch(_ path: String) async throws -> [UInt8]? {
        guard var bytes = try await inner.fetch(path) else { return nil }
        if path == self.path, bytes.count > 10 { bytes[10] ^= 1 }
        return bytes
    }
}
