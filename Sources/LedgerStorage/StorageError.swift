/// Infrastructure failures of the store (never business rejections).
///
/// Messages name the table and the fact that failed, never SQL or file paths, and the
/// API answers them with a bare 500: a stored row that no longer parses means the file
/// was damaged or edited outside the service, which `verify` will point at.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stored value does not parse as the type its column holds.
    case corruptRow(table: String, detail: String)
    /// The database was written by a newer version of the service.
    case unknownMigrations([String])
    /// A read-only open found migrations not applied yet (`commons-ledger migrate`).
    case pendingMigrations([String])
    /// A read-only open found no database file.
    case missingDatabase(String)

    public var description: String {
        switch self {
        case .corruptRow(let table, let detail): "corrupt row in \(table): \(detail)"
        case .unknownMigrations(let names):
            "database has migrations this build does not know: \(names.joined(separator: ", "))"
        case .pendingMigrations(let names):
            "database lacks migrations \(names.joined(separator: ", ")); "
                + "opened read-only it is not migrated: run commons-ledger migrate on it first"
        case .missingDatabase(let path): "no database at \(path)"
        }
    }
}

/// A page cursor that does not belong to the list it was sent to, or was altered.
public struct InvalidCursor: Error, Equatable, Sendable {
    public init() {}
}
