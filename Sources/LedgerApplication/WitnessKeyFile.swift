public import AuditLog
import Foundation
import LedgerStorage

/// A witness's cosigning key on disk: the signer-key text
/// `PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>` in a file only its owner may read.
public enum WitnessKeyFile {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// A new cosigning key named `name` (e.g. `witness.union.example/w1`), from the
    /// system's secure random generator.
    public static func generate(name: String) throws -> Cosigner {
        var generator = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try Cosigner(name: NoteKeyName(name), seed: seed)
    }

    /// Writes the key to a new file, mode 0600; an existing file is never overwritten.
    public static func write(_ cosigner: Cosigner, path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "\(path) exists; a witness key is never overwritten")
        }
        guard try LogSigner.writeSecret(cosigner.signerKey + "\n", path: path) else {
            throw Failure(description: "cannot write \(path)")
        }
    }

    /// Reads the key at `path`.
    public static func load(path: String) throws -> Cosigner {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "no witness key at \(path): make one with commons-ledger witness keygen")
        }
        do {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return try Cosigner(signerKey: text)
        } catch {
            throw Failure(description: "\(path) is not a witness key (\(error))")
        }
    }
}
