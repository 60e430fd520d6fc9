import GRDB

/// The schema's history: the numbered SQL files of `schema/migrations/`, embedded by
/// `scripts/embed-resources`, applied in order and recorded in `grdb_migrations`.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }
}
