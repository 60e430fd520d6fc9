import AuditLog
public import Foundation
import Glibc
public import LedgerStorage

/// The log as C2SP tlog-tiles files in a directory — `checkpoint`, `tile/<L>/<N>[.p/<W>]`
/// and `tile/entries/<N>[.p/<W>]`, the paths `/tlog/` serves — for any static web server,
/// CDN or object store to serve without the ledger.
///
/// The guarantees: a file appears whole or not at all (written under a temporary name,
/// flushed to disk, renamed, the directory flushed); every tile a published checkpoint
/// needs is on disk before that checkpoint is; a tile, once written, is never rewritten
/// with other bytes (tiles are immutable, and partial tiles of earlier sizes stay).
public struct TileDirectory: Sendable {
    public let root: URL

    public init(path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Writes every tile of the store's latest checkpoint that a tree of `published`
    /// entries did not have, then that checkpoint; returns the size now published.
    public func publish(from store: some LogReads, after published: Int64) async throws -> Int64 {
        guard let checkpoint = try await store.latestCheckpoint(), checkpoint.treeSize > published else {
            return published
        }
        for tile in LogTile.tiles(treeSize: checkpoint.treeSize, entries: true) {
            guard let needed = tile.treeSizeNeeded, needed > published else { continue }
            guard let bytes = try await store.tile(tile) else {
                throw MerkleTreeError.treeSizeBeyondCurrent(requested: needed, current: checkpoint.treeSize)
            }
            try Self.write(bytes, to: root.appendingPathComponent(tile.path))
        }
        try Self.write(Array(checkpoint.note.utf8), to: root.appendingPathComponent("checkpoint"))
        return checkpoint.treeSize
    }

    /// The size the directory already publishes: its checkpoint's, if the store signed that
    /// very note for that size (so every tile it needs was written by this ledger); 0
    /// otherwise — an empty directory, or another log's files, are published over from the
    /// start.
    public func publishedSize(in store: some LogReads) async throws -> Int64 {
        guard let bytes = FileManager.default.contents(atPath: root.appendingPathComponent("checkpoint").path),
              let note = String(bytes: bytes, encoding: .utf8),
              let sizeLine = note.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().first,
              let size = Int64(sizeLine), let stored = try await store.checkpoint(treeSize: size),
              stored.note == note
        else { return 0 }
        return size
    }

    /// The bytes of the file at `path` (relative to the root); nil when there is none.
    public func read(_ path: String) throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            return nil
        }
        return [UInt8](data)
    }

    /// Writes a file whole or not at all and makes it durable before returning.
    public func writeDurably(_ bytes: [UInt8], to path: String) throws {
        try Self.write(bytes, to: root.appendingPathComponent(path))
    }

    /// Writes a file whole or not at all, durable only at the next `syncAll` (a mirror
    /// writes thousands of tiles, then flushes once before its checkpoint).
    public func writeQuickly(_ bytes: [UInt8], to path: String) throws {
        try Self.write(bytes, to: root.appendingPathComponent(path), durably: false)
    }

    /// Flushes every file written so far to disk: one sync(2), which on Linux returns once
    /// the data and the renames are written (one flush instead of one per tile).
    public func syncAll() throws {
        sync()
        try Self.syncFolder(root)
    }

    /// Removes the tiles a tree of `size` has that one of `kept` entries does not (what an
    /// unverified copy left): full tiles only, since partial ones are written after the check.
    public func removeTiles(past kept: Int64, upTo size: Int64) {
        for tile in LogTile.tiles(treeSize: size, entries: true) where !tile.isPartial {
            guard let needed = tile.treeSizeNeeded, needed > kept else { continue }
            unlink(root.appendingPathComponent(tile.path).path)
        }
    }

    /// Writes `bytes` to `url` whole or not at all, readable by everyone (tiles are public);
    /// `durably`, flushed to disk with its folder before returning.
    static func write(_ bytes: [UInt8], to url: URL, durably: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        let created = try makeFolders(folder)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TileDirectoryError.io("create", temporary.path, errno) }
        var failure: Int32?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0, errno != EINTR { failure = errno; return }
                offset += max(written, 0)
            }
        }
        if failure == nil, durably, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if let failure {
            unlink(temporary.path)
            throw TileDirectoryError.io("write", temporary.path, failure)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw TileDirectoryError.io("rename", url.path, code)
        }
        // The rename, and each folder just made, durable in the folder that holds it.
        guard durably else { return }
        for folder in [folder] + created.map({ $0.deletingLastPathComponent() }) { try syncFolder(folder) }
    }

    /// Makes `folder` and the folders above it that are missing; returns those it made.
    static func makeFolders(_ folder: URL) throws -> [URL] {
        var missing: [URL] = []
        var next = folder
        while !FileManager.default.fileExists(atPath: next.path) {
            missing.append(next)
            next = next.deletingLastPathComponent()
        }
        if !missing.isEmpty { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        return missing
    }

    static func syncFolder(_ folder: URL) throws {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TileDirectoryError.io("open", folder.path, errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw TileDirectoryError.io("fsync", folder.path, errno) }
    }
}

/// A tile file could not be written.
public enum TileDirectoryError: Error, CustomStringConvertible, Equatable {
    case io(String, String, Int32)

    public var description: String {
        switch self {
        case .io(let step, let path, let code): "\(step) \(path): \(String(cString: strerror(code)))"
        }
    }
}
