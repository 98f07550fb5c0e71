-- The public site is rendered once per change. site_generation is bumped in
-- the transaction of every change that can alter a public page, so every
-- node knows when its rendered pages are out of date. timed_changes lists
-- the moments at which pages change by themselves (an embargo ends, a
-- timed publication is due): a rendered page is valid only until the next.

CREATE TABLE site_generation (
    id BIGINT NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL,
    changed_at TEXT NOT NULL
);

INSERT INTO site_generation (id, value, changed_at) VALUES (1, 1, '');

CREATE TABLE timed_changes (
    tenant TEXT NOT NULL,
    what TEXT NOT NULL,
    at_us BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant, what, at_us)
);

CREATE INDEX timed_changes_at ON timed_changes (at_us);
