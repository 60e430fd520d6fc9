import Foundation

/// Where a mirror reads a log's tiles: a tlog-tiles prefix (an API server's `/tlog/`, a
/// static copy, another mirror). `nil` for a file the source does not have (404).
public protocol TileSource: Sendable {
    func fetch(_ path: String) async throws -> [UInt8]?
}

/// Tiles in a local directory (a copy on a disk, another mirror's folder).
public struct DirectoryTileSource: TileSource {
    public let directory: TileDirectory

    public init(path: String) {
        directory = TileDirectory(path: path)
    }

    public func fetch(_ path: String) async throws -> [UInt8]? {
        try directory.read(path)
    }
}
