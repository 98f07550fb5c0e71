-- Every record table has the same shape: the record as a JSON document
-- validated by kreiskom-core, keyed by tenant ('' for shared kinds) and slug.
-- Links between records live in record_references, so that any record can be
-- asked who points at it before it is deleted.

CREATE TABLE tenants (
    tenant TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE regions (
    tenant TEXT NOT NULL,
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE partnerships (
    tenant TEXT NOT NULL,
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE units (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE people (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE organisations (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE activities (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE collections (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE services (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE channels (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE record_references (
    from_kind TEXT NOT NULL,
    from_tenant TEXT NOT NULL,
    from_slug TEXT NOT NULL,
    field TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_tenant TEXT NOT NULL,
    to_slug TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (from_kind, from_tenant, from_slug, field)
);

CREATE INDEX record_references_target ON record_references (to_kind, to_tenant, to_slug);
