-- The entries of this ledger that were rebuilt from its log alone (`commons-ledger rebuild
-- --from-mirror`, or `restore --mirror` past a backup): [from_size, tree_size), with the
-- witnessed checkpoint they were rebuilt up to. The log commits to private data (a
-- member's name and contact, a beneficiary's name, the names behind a key) without holding
-- it, so for those entries the database has none: `verify` accepts its absence there, and
-- only there, and still refuses private data that does not match its commitment. API keys
-- rebuilt from the log have no secret anyone knows (they can never authenticate).
-- Rows are only ever added. Twin: schema/postgres/0016. Never edited once landed.
CREATE TABLE log_rebuilds (
    from_size   INTEGER NOT NULL CHECK (from_size >= 0),
    tree_size   INTEGER NOT NULL PRIMARY KEY CHECK (tree_size > from_size),
    checkpoint  TEXT NOT NULL CHECK (length(checkpoint) BETWEEN 1 AND 100000),
    rebuilt_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER log_rebuilds_are_immutable BEFORE UPDATE ON log_rebuilds
BEGIN SELECT RAISE(ABORT, 'a rebuild record is immutable'); END;
CREATE TRIGGER log_rebuilds_are_never_deleted BEFORE DELETE ON log_rebuilds
BEGIN SELECT RAISE(ABORT, 'a rebuild record is never deleted'); END;
