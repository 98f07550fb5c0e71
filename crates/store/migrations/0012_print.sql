-- The print office: forms (Vordrucke), lists of participants for name
-- badges, and the queue of print orders.

CREATE TABLE print_forms (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE participant_lists (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

CREATE TABLE print_orders (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);
