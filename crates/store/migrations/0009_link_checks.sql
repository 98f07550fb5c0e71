-- What the external link check found, one row per address: kept between
-- runs for the freshness dashboard.

CREATE TABLE link_checks (
    url TEXT NOT NULL PRIMARY KEY,
    checked_at TEXT NOT NULL,
    status BIGINT,
    final_url TEXT,
    error TEXT,
    robots_denied BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
