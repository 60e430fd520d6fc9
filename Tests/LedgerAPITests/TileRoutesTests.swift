// Goal: anyone can read the log as C2SP tlog-tiles under /tlog — the checkpoint (never
// cached), every full and partial tile and entry bundle its size implies (immutable),
// each tile's bytes what the log holds (level 0 the entries' leaf hashes, level 1 the
// roots of full level-0 tiles, bundles the exact entry bytes), the root recomputed from
// the tiles alone equal to the signed one — and nothing else: a tile past the log's end,
// a full tile not yet full, a non-canonical or malformed path are each 404.
import AuditLog
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct TileRoutesTests {
    /// A log past one full tile: the chart, then 300 transactions in two batches.
    static func book(_ client: LedgerClient) async throws -> (size: Int64, entries: [[UInt8]]) {
        try await client.seedChart()
        for _ in 0..<2 {
            let items = (1...150).map { BatchRoutesTests.item($0) }.joined(separator: ",")
            let reply = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(items)]}"#)
            #expect(reply.status == .ok || reply.status == .created, "\(reply.text)")
        }
        var entries: [[UInt8]] = []
        var cursor = ""
        repeat {
            let page = try await client.call(.get, "/v1/log/entries?limit=200\(cursor)", as: .anonymous).json
            for entry in page["entries"] as? [[String: Any]] ?? [] {
                entries.append(Array(try #require(Data(base64Encoded: entry["data"] as? String ?? ""))))
            }
            cursor = (page["next_cursor"] as? String).map { "&cursor=\($0)" } ?? ""
        } while !cursor.isEmpty
        return (Int64(entries.count), entries)
    }

    @Test func theLogIsServedAsItsTiles() async throws {
        try await TestServer().run { client in
            let (size, entries) = try await Self.book(client)
            #expect(size > 256)
            let checkpoint = try await client.call(.get, "/tlog/checkpoint", as: .anonymous)
            #expect(checkpoint.status == .ok)
            #expect(checkpoint.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(checkpoint.headers[.cacheControl] == "no-cache")
            #expect(checkpoint.text == (try await client.call(.get, "/v1/log/checkpoint", as: .anonymous)).text)
            let note = try SignedNote.open(checkpoint.text, verifiers: [try await Self.verifier(client)])
            let signed = try Checkpoint(parsing: note.text)
            #expect(signed.treeSize == size)

            var levelZero: [Hash] = []
            for tile in LogTile.tiles(treeSize: size, entries: true) {
                let reply = try await client.call(.get, "/tlog/" + tile.path, as: .anonymous)
                #expect(reply.status == .ok, "\(tile.path)")
                #expect(reply.headers[.contentType] == "application/octet-stream")
                #expect(reply.headers[.cacheControl] == "public, max-age=31536000, immutable")
                let first = Int(tile.firstNode)
                switch tile.kind {
                case .entries:
                    #expect(try EntryBundle.decode(reply.body) == Array(entries[first ..< first + tile.width]))
                case .hashes(level: 0):
                    let hashes = try Self.hashes(reply.body)
                    #expect(hashes == entries[first ..< first + tile.width].map(MerkleHash.leafHash))
                    levelZero += hashes
                case .hashes:
                    // Level 1 here: the root of each full level-0 tile.
                    let expected = (0..<tile.width).map { position in
                        MerkleVerifier.rootFromLeafHashes(
                            entries[(first + position) * 256 ..< (first + position + 1) * 256].map(MerkleHash.leafHash)
                        )
                    }
                    #expect(try Self.hashes(reply.body) == expected, "\(tile.path)")
                }
            }
            #expect(MerkleVerifier.rootFromLeafHashes(levelZero) == signed.rootHash)
        }
    }

    @Test func nothingButTheTilesTheLogHoldsIsServed() async throws {
        try await TestServer().run { client in
            let (size, _) = try await Self.book(client)
            let partial = Int(size % 256)
            for path in [
                "0/001.p/\(partial + 1)", "0/001", "entries/001", "1/000", "2/000.p/1", "0/002.p/1",  // past the end
                "0/0", "0/x000/000", "0/000.p/256", "0/000.p/0", "entries/000.p/", "0", "", "x/000",  // not a tile
                "0/000/extra", "64/000", "0/x001/x002/x003/x004/x005/x006/x007/008",
            ] {
                let reply = try await client.call(.get, "/tlog/tile/" + path, as: .anonymous)
                #expect(reply.status == .notFound, "/tlog/tile/\(path): \(reply.status)")
                #expect(reply.code == "not_found", "/tlog/tile/\(path)")
            }
            #expect(try await client.call(.get, "/tlog/tile/0/001.p/\(partial)", as: .anonymous).status == .ok)
        }
    }

    @Test func aNewLogIsOnePartialTile() async throws {
        try await TestServer().run { client in
            // The first admin key is an entry: the log is never empty once a server started.
            let checkpoint = try await client.call(.get, "/tlog/checkpoint", as: .anonymous)
            let size = try Checkpoint(parsing: try SignedNote.open(
                checkpoint.text, verifiers: [try await Self.verifier(client)]
            ).text).treeSize
            #expect(try await client.call(.get, "/tlog/tile/0/000.p/\(size)", as: .anonymous).status == .ok)
            #expect(try await client.call(.get, "/tlog/tile/0/000.p/\(size + 1)", as: .anonymous).status == .notFound)
        }
    }

    /// Under a configured prefix (a log published at https://fund.example/fund/log), the
    /// tiles are there, as public and as read-only as under /tlog — and /tlog is no route.
    @Test func theTilesCanBeServedUnderAnotherPrefix() async throws {
        try await TestServer(tilesPrefix: "/fund/log").run { client in
            let checkpoint = try await client.call(.get, "/fund/log/checkpoint", as: .anonymous)
            #expect(checkpoint.status == .ok)
            #expect(checkpoint.text == (try await client.call(.get, "/v1/log/checkpoint", as: .anonymous)).text)
            let size = try Checkpoint(parsing: try SignedNote.open(
                checkpoint.text, verifiers: [try await Self.verifier(client)]
            ).text).treeSize
            let tile = try await client.call(.get, "/fund/log/tile/0/000.p/\(size)", as: .anonymous)
            #expect(tile.status == .ok)
            #expect(tile.body.count == Int(size) * Hash.byteCount)
            #expect(try await client.call(.get, "/fund/log/tile/0/000.p/\(size + 1)", as: .anonymous).status == .notFound)
            for path in ["/tlog/checkpoint", "/tlog/tile/0/000.p/\(size)"] {
                #expect(try await client.call(.get, path, as: .anonymous).status == .notFound, "\(path)")
                #expect(try await client.call(.get, path).status == .notFound, "\(path) as admin")
            }
            let write = try await client.call(.post, "/fund/log/checkpoint", json: "{}")
            #expect(write.status == .methodNotAllowed)
            #expect(write.code == "method_not_allowed")
        }
    }

    /// A prefix that would share its first segment with another route is refused at start.
    @Test(arguments: ["/healthz/tlog", "/metrics/tiles", "/openapi.json/tlog", "/readyz"])
    func aPrefixThatShadowsARouteIsRefusedAtStart(prefix: String) async throws {
        let server = try TestServer(tilesPrefix: prefix)
        await #expect(throws: ServerConfiguration.Invalid.self) {
            _ = try await buildApplication(
                configuration: try await server.servedConfiguration(), clock: server.clock,
                identifiers: SeededIdentifiers(seed: 8), logger: StartupKeyTests.quiet, onFirstAdminToken: { _, _ in }
            )
        }
    }

    static func verifier(_ client: LedgerClient) async throws -> NoteVerifier {
        try NoteVerifier(verifierKey: try await client.call(.get, "/v1/log/key", as: .anonymous).text
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func hashes(_ bytes: [UInt8]) throws -> [Hash] {
        try #require(bytes.count % Hash.byteCount == 0)
        return try stride(from: 0, to: bytes.count, by: Hash.byteCount).map {
            try Hash(bytes: Array(bytes[$0 ..< $0 + Hash.byteCount]))
        }
    }
}
