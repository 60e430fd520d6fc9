-- Commons Ledger: API keys, each bound to a named principal and one role (PostgreSQL 15
-- twin of schema/migrations/0003).
--
-- Only a SHA-256 hash of each key's 256-bit secret is stored; the token itself is shown
-- once, when the key is created. A key is never deleted: it is revoked (once), and every
-- creation and revocation is also an audit-log entry.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE api_keys (
    id          text PRIMARY KEY CHECK (id ~ '^key_[0-9a-f]' AND length(id) = 36),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text NOT NULL CHECK (role IN ('admin', 'treasurer', 'approver', 'auditor')),
    secret_hash bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_at  text NOT NULL,
    expires_at  text,
    revoked_at  text
);

-- A key's only change is being revoked, once.
CREATE TRIGGER api_keys_only_revoke BEFORE UPDATE ON api_keys
FOR EACH ROW WHEN (OLD.revoked_at IS NOT NULL
  OR NEW.revoked_at IS NULL
  OR NEW.id IS DISTINCT FROM OLD.id OR NEW.name IS DISTINCT FROM OLD.name OR NEW.role IS DISTINCT FROM OLD.role
  OR NEW.secret_hash IS DISTINCT FROM OLD.secret_hash OR NEW.created_at IS DISTINCT FROM OLD.created_at
  OR NEW.expires_at IS DISTINCT FROM OLD.expires_at)
EXECUTE FUNCTION refuse_change('API keys are immutable except for revoking once');
CREATE TRIGGER api_keys_are_never_deleted BEFORE DELETE ON api_keys
FOR EACH ROW EXECUTE FUNCTION refuse_change('API keys are never deleted: revoke them');
CREATE TRIGGER api_keys_are_never_truncated BEFORE TRUNCATE ON api_keys
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('API keys are never deleted: revoke them');
