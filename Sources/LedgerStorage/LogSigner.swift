public import AuditLog
import Foundation
import Glibc

/// The log's signing identity: an Ed25519 note signer whose key name is the log's
/// origin (the first line of every checkpoint).
///
/// The private key lives in a file in Go's `sumdb/note` signer-key text form
/// (`PRIVATE+KEY+<name>+<id>+<base64>`), readable only by its owner (mode 0600).
public struct LogSigner: Sendable {
    public let signer: NoteSigner

    public init(signer: NoteSigner) {
        self.signer = signer
    }

    /// The checkpoint origin, which is also the key name.
    public var origin: String { signer.name.text }

    /// The verifier key text (C2SP vkey) that auditors use to check checkpoints.
    public var verifierKey: String { signer.verifier.verifierKey }

    /// A new key named `origin`, from 32 bytes of the system's secure randomness.
    public static func generate(origin: String) throws -> LogSigner {
        var generator = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return LogSigner(signer: try NoteSigner.generate(name: try NoteKeyName(origin), randomBytes: seed))
    }

    /// Where a database's key lives unless configured elsewhere: `log-signing.key` beside it.
    public static func defaultPath(besideDatabase databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("log-signing.key").path
    }

    /// Reads a key file.
    public static func load(path: String) throws -> LogSigner {
        guard let data = FileManager.default.contents(atPath: path) else { throw LogKeyError.unreadable(path) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return LogSigner(signer: try NoteSigner(signerKey: text))
        } catch {
            throw LogKeyError.malformed(path)
        }
    }

    /// Reads the key file a server signs with, refusing one that others could read or
    /// that another user owns (`LogKeyError.exposed`): a key readable by the group, by
    /// everyone, or by an account other than the server's can sign a history nobody
    /// wrote.
    public static func loadPrivate(path: String) throws -> LogSigner {
        var status = stat()
        guard stat(path, &status) == 0 else { throw LogKeyError.unreadable(path) }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw LogKeyError.exposed(path, detail: "has mode \(String(mode, radix: 8)), not 600")
        }
        guard status.st_uid == geteuid() else {
            throw LogKeyError.exposed(path, detail: "is owned by uid \(status.st_uid), not by this user (\(geteuid()))")
        }
        return try load(path: path)
    }

    /// Writes the key to a new file with mode 0600; refuses to overwrite an existing key.
    public func write(path: String) throws {
        guard try Self.writeSecret(signer.signerKey + "\n", path: path) else { throw LogKeyError.unwritable(path) }
    }

    /// Writes a secret key text (the log's, a witness's) to `path`, readable by its owner
    /// only (mode 0600, whatever the umask), making the folders above it; `false` when the
    /// file cannot be created.
    public static func writeSecret(_ text: String, path: String) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]
        ) else { return false }
        // createFile honours the umask; set the mode explicitly as well.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return true
    }

    /// Loads the key at `path`, or creates one named `origin` there when none exists.
    /// Returns whether a new key was created.
    public static func loadOrCreate(path: String, origin: String) throws -> (signer: LogSigner, isNew: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            return (try load(path: path), false)
        }
        let signer = try generate(origin: origin)
        try signer.write(path: path)
        return (signer, true)
    }
}

/// Problems with the log's key file.
public enum LogKeyError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case unwritable(String)
    case malformed(String)
    /// The log has entries but the key file is gone: a new key would be a new identity.
    case missing(String, entries: Int64)
    /// The key file does not verify the latest signed checkpoint: it was replaced.
    case doesNotVerify(String, treeSize: Int64)
    /// A database several servers share (PostgreSQL) is served only with a key made
    /// beforehand: servers starting together would otherwise each make their own.
    case absentForSharedDatabase(String)
    /// The key file holds a key the log handed over to `current` (`log-key rotate`).
    case retired(String, current: String)
    /// The key file can be read by others than its owner, or is not owned by this user.
    case exposed(String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read the log key \(path)"
        case .unwritable(let path): "cannot write the log key \(path)"
        case .malformed(let path): "\(path) is not a signer key (PRIVATE+KEY+name+id+key)"
        case .missing(let path, let entries):
            "refusing to start: the audit log has \(entries) entries but the signing key \(path) is missing; "
                + "restore the key that signed it from your backup "
                + "(a new key would be a new identity auditors cannot check)"
        case .doesNotVerify(let path, let size):
            "refusing to start: the signing key \(path) does not verify the latest signed checkpoint "
                + "(tree size \(size)); "
                + "it was replaced — restore the key that signed the log from your backup"
        case .absentForSharedDatabase(let path):
            "refusing to start: no signing key at \(path); a PostgreSQL ledger may be served by several servers, "
                + "which must all sign with one key: create it once with `commons-ledger keygen --key \(path) "
                + "--origin ORIGIN` and give every server the same file"
        case .retired(let path, let current):
            "refusing to start: the signing key \(path) was retired when the log handed over to \(current); "
                + "serve with the new key file that `commons-ledger log-key rotate` wrote"
        case .exposed(let path, let detail):
            "refusing to start: the signing key \(path) \(detail); it must be readable by the server's user "
                + "alone: chown it to that user and chmod 600 it (if others could read it, treat it as leaked: "
                + "rotate with `commons-ledger log-key rotate`)"
        }
    }
}
