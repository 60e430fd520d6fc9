public import AuditLog
import Foundation

/// What `commons-ledger witness serve` runs with, from a JSON file:
///
///     {"host": "0.0.0.0", "port": 8081, "key": "witness.key", "database": "witness.sqlite",
///      "logs": [{"origin": "ledger.example.org/solidarity/tlog",
///                "keys": ["ledger.example.org/solidarity/tlog+1a2b3c4d+AQ…"]}]}
///
/// `key` is the witness's own cosigning key (made by `witness keygen`); each log is named
/// by its checkpoint origin with the verifier keys trusted to sign it.
public struct WitnessConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8081
    public var keyPath: String
    public var databasePath: String
    /// The logs followed: origin → the keys whose signature makes a checkpoint the log's.
    public var logs: [String: [NoteVerifier]]

    public init(keyPath: String, databasePath: String, logs: [String: [NoteVerifier]]) {
        self.keyPath = keyPath
        self.databasePath = databasePath
        self.logs = logs
    }

    /// The largest request body read: 63 proof lines and a checkpoint fit many times over.
    public static let bodyBytesMax = 65_536

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    private struct File: Decodable {
        struct Log: Decodable {
            let origin: String
            let keys: [String]
        }
        let host: String?
        let port: Int?
        let key: String
        let database: String
        let logs: [Log]
    }

    /// Reads and checks a configuration file's bytes.
    public static func load(fileContents: [UInt8]) throws -> WitnessConfiguration {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(fileContents))
        } catch {
            throw Invalid(description: "the witness configuration is not valid: \(error)")
        }
        guard !file.logs.isEmpty else { throw Invalid(description: "the witness follows no log: add one to \"logs\"") }
        var logs: [String: [NoteVerifier]] = [:]
        for log in file.logs {
            guard (try? Checkpoint(origin: log.origin, treeSize: 0, rootHash: MerkleHash.sha256([]))) != nil else {
                throw Invalid(description: "\"\(log.origin)\" is not a checkpoint origin")
            }
            guard logs[log.origin] == nil else { throw Invalid(description: "the log \(log.origin) is listed twice") }
            guard !log.keys.isEmpty else { throw Invalid(description: "the log \(log.origin) has no key") }
            logs[log.origin] = try log.keys.map { text in
                do {
                    return try NoteVerifier(verifierKey: text)
                } catch {
                    throw Invalid(description: "a key of \(log.origin) is not a log verifier key: \(error)")
                }
            }
        }
        var configuration = WitnessConfiguration(keyPath: file.key, databasePath: file.database, logs: logs)
        configuration.host = file.host ?? configuration.host
        if let port = file.port {
            guard (0...65_535).contains(port) else { throw Invalid(description: "port \(port) is out of range") }
            configuration.port = port
        }
        return configuration
    }
}
