-- Commons Ledger: API keys, each bound to a named principal and one role.
--
-- Only a SHA-256 hash of each key's 256-bit secret is stored; the token itself is shown
-- once, when the key is created. A key is never deleted: it is revoked (once), and every
-- creation and revocation is also an audit-log entry.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY CHECK (id GLOB 'key_[0-9a-f]*' AND length(id) = 36),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        TEXT NOT NULL CHECK (role IN ('admin', 'treasurer', 'approver', 'auditor')),
    secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
) STRICT;

-- A key's only change is being revoked, once.
CREATE TRIGGER api_keys_only_revoke BEFORE UPDATE ON api_keys
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.revoked_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role
  OR NEW.secret_hash IS NOT OLD.secret_hash OR NEW.created_at IS NOT OLD.created_at
  OR NEW.expires_at IS NOT OLD.expires_at
BEGIN SELECT RAISE(ABORT, 'API keys are immutable except for revoking once'); END;
CREATE TRIGGER api_keys_are_never_deleted BEFORE DELETE ON api_keys
BEGIN SELECT RAISE(ABORT, 'API keys are never deleted: revoke them'); END;
