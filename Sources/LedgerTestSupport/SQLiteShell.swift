import Foundation

/// Runs SQL against a database file with the `sqlite3` command-line shell — the way an
/// operator (or an attacker with file access) would, bypassing the service entirely.
public enum SQLiteShell {
    /// The shell reported an error (a trigger or constraint refused the statement).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Executes `sql`, stopping at the first error.
    @discardableResult
    public static func execute(path: String, sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-bail", path, sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: outputData, as: UTF8.self)
    }

    /// The first column of the first row of `sql`, as text.
    public static func scalar(path: String, sql: String) throws -> String? {
        try execute(path: path, sql: sql).split(separator: "\n").first.map(String.init)
    }
}
