-- Legal pages (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache,
-- Gebärdensprache), the feedback sent from the accessibility statement and
-- the pictures of the media library:
-- records of the same shape as every other.

CREATE TABLE legal_pages (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE feedback (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE media_files (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);
