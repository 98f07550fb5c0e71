-- Free content pages of a tenant's site: records of the same shape as
-- every other; their earlier versions are those of the audit log.

CREATE TABLE pages (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

-- Findings of the freshness rules an editor has checked, with the
-- fingerprint of their cause at the time.
CREATE TABLE finding_checks (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);
