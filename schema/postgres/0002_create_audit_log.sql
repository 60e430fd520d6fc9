-- Commons Ledger: the tamper-evident audit log (PostgreSQL 15 twin of
-- schema/migrations/0002).
--
-- Every change to the ledger appends exactly one entry here, in the same database
-- transaction as the change. An entry's `data` is canonical JSON (RFC 8785), stored
-- exactly as hashed (bytea, never json); entries are leaves of an RFC 6962 Merkle tree
-- whose complete subtree hashes are stored in `log_nodes`, and signed checkpoints (C2SP
-- tlog-checkpoint as a C2SP signed note) are kept in `log_checkpoints`.
-- Nothing in these tables is ever updated, deleted or truncated.
-- Never edit this file once it has landed: add a new numbered migration instead.

-- The writers' lock. SQLite lets one writer in at a time; PostgreSQL lets many, so every
-- write transaction of the application starts with
--     SELECT FROM log_head FOR UPDATE;
-- and holds the row lock until it commits or rolls back. Writes then follow one another
-- in one order, the order of the log: the next index, the tree's nodes, the next
-- transaction seq and the balances are read by a writer that no one else can overtake.
-- The row holds no data (only the lock matters), so there is nothing to keep in step
-- with log_entries and nothing that could drift: the next index is
-- coalesce(max(idx) + 1, 0), one seek on the primary key, read after the lock is held.
-- The triggers that read other rows (log_entries_are_dense below, the balance and
-- four-eyes checks) take the same lock themselves, so they stay right even for a
-- session that forgot it, such as a psql session typing SQL by hand.
CREATE TABLE log_head (
    -- Exactly one row: the key can only be true.
    one boolean PRIMARY KEY DEFAULT true CHECK (one)
);
INSERT INTO log_head DEFAULT VALUES;

CREATE TRIGGER log_head_is_immutable_update BEFORE UPDATE ON log_head
FOR EACH ROW EXECUTE FUNCTION refuse_change('the log head is only ever locked');
CREATE TRIGGER log_head_is_never_deleted BEFORE DELETE ON log_head
FOR EACH ROW EXECUTE FUNCTION refuse_change('the log head is only ever locked');
CREATE TRIGGER log_head_is_never_truncated BEFORE TRUNCATE ON log_head
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the log head is only ever locked');

-- Takes the writers' lock (re-entrant: a transaction that holds it continues at once).
-- The rules were reasoned for READ COMMITTED, where the statement after the lock sees
-- everything committed before it was granted; SERIALIZABLE is safe too (its conflict
-- checks refuse what a stale snapshot would let through). REPEATABLE READ keeps the
-- snapshot from before the wait and has no such checks, so a rule could read stale rows
-- and let a late posting or a second approval by the same person in: refused.
CREATE FUNCTION lock_log_head() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') = 'repeatable read' THEN
        RAISE EXCEPTION 'the ledger is written in READ COMMITTED or SERIALIZABLE transactions'
            USING ERRCODE = 'LG006';
    END IF;
    PERFORM FROM log_head FOR UPDATE;
END $$;

CREATE TABLE log_entries (
    idx       bigint PRIMARY KEY CHECK (idx >= 0),
    -- The exact bytes that were hashed: canonical JSON.
    data      bytea NOT NULL CHECK (length(data) > 0),
    -- SHA-256(0x00 || data), the RFC 6962 leaf hash.
    leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
);

-- Entries are dense: index n is the n-th entry, no gaps, no reordering. (max() on the
-- primary key is one seek; count(*) would scan the table on every append.) Under the
-- log_head lock the max is the committed one: a second writer that computed the same
-- index waits for the first, then sees its entry and is refused. Even without the lock
-- the primary key would refuse a duplicate index, and an index past max + 1 is refused
-- here, so the log can neither fork nor skip.
CREATE FUNCTION log_entries_are_dense() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NEW.idx IS DISTINCT FROM (SELECT coalesce(max(idx) + 1, 0) FROM log_entries) THEN
        RAISE EXCEPTION 'log entries are appended at the next index only' USING ERRCODE = 'LG003';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER log_entries_are_dense BEFORE INSERT ON log_entries
FOR EACH ROW EXECUTE FUNCTION log_entries_are_dense();
CREATE TRIGGER log_entries_are_immutable_update BEFORE UPDATE ON log_entries
FOR EACH ROW EXECUTE FUNCTION refuse_change('log entries are immutable');
CREATE TRIGGER log_entries_are_never_deleted BEFORE DELETE ON log_entries
FOR EACH ROW EXECUTE FUNCTION refuse_change('log entries are never deleted');
CREATE TRIGGER log_entries_are_never_truncated BEFORE TRUNCATE ON log_entries
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('log entries are never deleted');

-- node(level, idx) is the hash of the complete subtree over leaves
-- [idx * 2^level, (idx + 1) * 2^level); level 0 holds no rows (leaf hashes are in
-- log_entries). Written once, when the subtree completes.
CREATE TABLE log_nodes (
    level bigint NOT NULL CHECK (level BETWEEN 1 AND 63),
    idx   bigint NOT NULL CHECK (idx >= 0),
    hash  bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

CREATE TRIGGER log_nodes_are_immutable_update BEFORE UPDATE ON log_nodes
FOR EACH ROW EXECUTE FUNCTION refuse_change('log nodes are immutable');
CREATE TRIGGER log_nodes_are_never_deleted BEFORE DELETE ON log_nodes
FOR EACH ROW EXECUTE FUNCTION refuse_change('log nodes are never deleted');
CREATE TRIGGER log_nodes_are_never_truncated BEFORE TRUNCATE ON log_nodes
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('log nodes are never deleted');

-- Signed checkpoints, one per tree size at most.
CREATE TABLE log_checkpoints (
    tree_size  bigint PRIMARY KEY CHECK (tree_size >= 0),
    -- The complete signed note: checkpoint text, blank line, signature lines.
    note       text NOT NULL,
    created_at text NOT NULL
);

CREATE TRIGGER log_checkpoints_are_immutable_update BEFORE UPDATE ON log_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('checkpoints are immutable');
CREATE TRIGGER log_checkpoints_are_never_deleted BEFORE DELETE ON log_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('checkpoints are never deleted');
CREATE TRIGGER log_checkpoints_are_never_truncated BEFORE TRUNCATE ON log_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('checkpoints are never deleted');

-- Which entry recorded each ledger object, for proofs by object id.
CREATE TABLE log_subjects (
    subject text PRIMARY KEY,
    idx     bigint NOT NULL REFERENCES log_entries(idx)
);

CREATE TRIGGER log_subjects_are_immutable_update BEFORE UPDATE ON log_subjects
FOR EACH ROW EXECUTE FUNCTION refuse_change('log subjects are immutable');
CREATE TRIGGER log_subjects_are_never_deleted BEFORE DELETE ON log_subjects
FOR EACH ROW EXECUTE FUNCTION refuse_change('log subjects are never deleted');
CREATE TRIGGER log_subjects_are_never_truncated BEFORE TRUNCATE ON log_subjects
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('log subjects are never deleted');
