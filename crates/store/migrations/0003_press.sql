-- The press office's records have the same shape as every other record.
-- release_numbers is the ledger of given numbers: its key makes a number
-- impossible to give twice, also when two approvals race.
-- jobs is the outbox: a row is written in the same transaction as the
-- change that causes the effect, and a runner carries it out later.

CREATE TABLE press_releases (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE mailing_lists (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE journalists (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE press_inquiries (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE release_numbers (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    slug TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant, year, number)
);

CREATE TABLE jobs (
    id TEXT NOT NULL PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    tenant TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    not_before_us BIGINT NOT NULL,
    lease_until_us BIGINT,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX jobs_due ON jobs (state, not_before_us);

CREATE TABLE deliveries (
    job TEXT NOT NULL REFERENCES jobs (id),
    email TEXT NOT NULL,
    journalist TEXT NOT NULL,
    name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job, email)
);
