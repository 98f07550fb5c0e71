-- Accounts sign in to the admin UI; grants give them roles per tenant.
-- Sessions are stored by the hash of their cookie value, never the value.
-- The audit log is append-only: the store has no statement that changes or
-- deletes an entry.

CREATE TABLE accounts (
    email TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE grants (
    email TEXT NOT NULL REFERENCES accounts (email),
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (email, tenant, role)
);

CREATE TABLE sessions (
    id_hash TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL REFERENCES accounts (email),
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id TEXT NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    at_us BIGINT NOT NULL,
    actor TEXT NOT NULL,
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    action TEXT NOT NULL,
    version BIGINT,
    before TEXT,
    after TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX audit_log_record ON audit_log (kind, tenant, slug, at_us);
CREATE INDEX audit_log_tenant ON audit_log (tenant, at_us);
