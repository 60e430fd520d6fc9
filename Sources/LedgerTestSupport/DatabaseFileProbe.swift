import AuditLog
import Foundation

/// Reads a database's files as bytes and their permission bits, for tests that check
/// what an erasure leaves behind and who may read the files.
public enum DatabaseFileProbe {
    /// The files of the database at `path` that exist: main, `-wal`, `-shm`, `-journal`.
    public static func files(of path: String) -> [String] {
        ["", "-wal", "-shm", "-journal"].map { path + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Which of the database's files hold `needle` anywhere in their bytes.
    public static func files(of path: String, containing needle: [UInt8]) throws -> [String] {
        precondition(!needle.isEmpty, "an empty needle is in every file")
        return try files(of: path).filter { file in
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            return bytes.count >= needle.count && bytes.indices.dropLast(needle.count - 1).contains { start in
                bytes[start] == needle[0] && bytes[start..<start + needle.count].elementsEqual(needle)
            }
        }
    }

    /// The permission bits of `file` (e.g. 0o600).
    public static func mode(of file: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        guard let mode = attributes[.posixPermissions] as? NSNumber else { return -1 }
        return mode.intValue & 0o777
    }

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        MerkleHash.sha256(bytes).bytes
    }
}
