import ArgumentParser
import AuditLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerApplication

/// `commons-ledger mirror`: keep a verified copy of the fund's log, as tiles, in a
/// directory — a member's own copy of the book, servable by any static web server.
struct Mirror: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the fund's log as C2SP tlog-tiles, verified against the witnessed checkpoint.",
        discussion: """
            Reads the tiles under --url (a ledger's /tlog/ prefix, a static copy, another \
            mirror, or a local folder), requires the policy's quorum of witnesses on the \
            checkpoint, recomputes every tile from the entries and publishes the checkpoint in \
            --dir only when the root matches. An interrupted copy resumes where it stopped. \
            Exits non-zero, leaving the copy as it was, on a rollback, a fork or bad entries: \
            keep the copy and the source's checkpoint as evidence.
            """
    )

    @Option(help: "Where the tiles are: http(s)://host/tlog/ (the ledger's prefix) or a local folder.")
    var url: String

    @Option(help: "The C2SP tlog-policy file: the log's key, the witnesses' keys and the quorum.")
    var policy: String

    @Option(help: "The mirror's folder (made if missing); serve it as static files to publish the copy.")
    var dir: String

    @Option(help: "Keep following the log, checking every this many seconds (0: one update, then exit).")
    var follow: Int = 0

    func run() async throws {
        let policy = try Verify.loadPolicy(policy)
        let source: any TileSource
        if url.hasPrefix("http://") || url.hasPrefix("https://") {
            guard let base = URL(string: url.hasSuffix("/") ? url : url + "/") else {
                throw ValidationError("bad URL \(url)")
            }
            source = HTTPTileSource(base: base)
        } else {
            source = DirectoryTileSource(path: url)
        }
        let mirror = LogMirror(directory: TileDirectory(path: dir), policy: policy, source: source)
        repeat {
            let started = ContinuousClock.now
            let update = try await mirror.update { copied, total in
                if copied % 65_536 < 256 { Self.log("copied \(copied) of \(total) entries") }
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let rate = seconds > 0 ? String(format: " (%.0f entries/s)", Double(update.to - update.from) / seconds) : ""
            let witnesses = update.witnesses.sorted().joined(separator: ", ")
            print("OK: \(dir) holds \(update.to) entries (was \(update.from))\(rate), witnessed by \(witnesses)")
            if follow > 0 { try await Task.sleep(for: .seconds(follow)) }
        } while follow > 0
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Tiles over HTTP(S): a GET per file, 404 is "none", any other failure an error. A 429 or
/// 503 (the ledger's rate limit for anonymous readers) waits as `Retry-After` says, then
/// asks again, up to `attempts` times.
struct HTTPTileSource: TileSource {
    let base: URL
    var attempts = 30

    func fetch(_ path: String) async throws -> [UInt8]? {
        let url = base.appendingPathComponent(path)
        var request = URLRequest(url: url)
        request.timeoutInterval = 60
        for _ in 1..<attempts {
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            switch http?.statusCode ?? 0 {
            case 200: return [UInt8](data)
            case 404: return nil
            case 429, 503:
                let wait = http?.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) } ?? 5
                try await Task.sleep(for: .seconds(min(max(wait, 1), 120)))
            case let status: throw ValidationError("GET \(url) answered \(status)")
            }
        }
        throw ValidationError("GET \(url) was still refused after \(attempts) attempts")
    }
}
