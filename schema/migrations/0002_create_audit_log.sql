-- Commons Ledger: the tamper-evident audit log.
--
-- Every change to the ledger appends exactly one entry here, in the same database
-- transaction as the change. An entry's `data` is canonical JSON (RFC 8785), stored
-- exactly as hashed; entries are leaves of an RFC 6962 Merkle tree whose complete
-- subtree hashes are stored in `log_nodes`, and signed checkpoints (C2SP
-- tlog-checkpoint as a C2SP signed note) are kept in `log_checkpoints`.
-- Nothing in these tables is ever updated or deleted.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE log_entries (
    idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
    -- The exact bytes that were hashed: canonical JSON.
    data      BLOB NOT NULL CHECK (length(data) > 0),
    -- SHA-256(0x00 || data), the RFC 6962 leaf hash.
    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)
) STRICT;

-- Entries are dense: index n is the n-th entry, no gaps, no reordering. (max() on the
-- primary key is one seek; count(*) would scan the table on every append.)
CREATE TRIGGER log_entries_are_dense BEFORE INSERT ON log_entries
WHEN NEW.idx IS NOT coalesce((SELECT max(idx) FROM log_entries) + 1, 0)
BEGIN SELECT RAISE(ABORT, 'log entries are appended at the next index only'); END;
CREATE TRIGGER log_entries_are_immutable_update BEFORE UPDATE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log entries are immutable'); END;
CREATE TRIGGER log_entries_are_never_deleted BEFORE DELETE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log entries are never deleted'); END;

-- node(level, idx) is the hash of the complete subtree over leaves
-- [idx * 2^level, (idx + 1) * 2^level); level 0 holds no rows (leaf hashes are in
-- log_entries). Written once, when the subtree completes.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 63),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER log_nodes_are_immutable_update BEFORE UPDATE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log nodes are immutable'); END;
CREATE TRIGGER log_nodes_are_never_deleted BEFORE DELETE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log nodes are never deleted'); END;

-- Signed checkpoints, one per tree size at most.
CREATE TABLE log_checkpoints (
    tree_size  INTEGER PRIMARY KEY CHECK (tree_size >= 0),
    -- The complete signed note: checkpoint text, blank line, signature lines.
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER log_checkpoints_are_immutable_update BEFORE UPDATE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
CREATE TRIGGER log_checkpoints_are_never_deleted BEFORE DELETE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are never deleted'); END;

-- Which entry recorded each ledger object, for proofs by object id.
CREATE TABLE log_subjects (
    subject TEXT PRIMARY KEY,
    idx     INTEGER NOT NULL REFERENCES log_entries(idx)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER log_subjects_are_immutable_update BEFORE UPDATE ON log_subjects
BEGIN SELECT RAISE(ABORT, 'log subjects are immutable'); END;
CREATE TRIGGER log_subjects_are_never_deleted BEFORE DELETE ON log_subjects
BEGIN SELECT RAISE(ABORT, 'log subjects are never deleted'); END;
