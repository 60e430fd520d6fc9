import GRDB

/// A second connection that holds a SQLite file's write lock (`BEGIN IMMEDIATE`) until
/// released: what another process that writes the file looks like to the ledger's writer,
/// for the tests of what a request does when the database is busy. Package-only: no
/// command or route can take the ledger's lock.
package final class SQLiteWriteLockHolder: Sendable {
    private let queue: DatabaseQueue

    /// Opens `path` and takes its write lock; throws when another writer holds it.
    package init(path: String) throws {
        var configuration = Configuration()
        // The point of this connection is a transaction left open between accesses.
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    }

    /// Whether the lock is still held.
    package var isHeld: Bool {
        (try? queue.writeWithoutTransaction { db in db.isInsideTransaction }) ?? false
    }

    /// Rolls the empty transaction back (the lock is let go) and closes the connection.
    package func release() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        try queue.close()
    }
}
