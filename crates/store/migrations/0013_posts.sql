-- Social posts, the sealed access of each channel, and what a platform
-- answered for a delivery (the post's id there and its address).

CREATE TABLE posts (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    slug TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, slug)
);

-- sealed: the access token, sealed with the installation's key for
-- "channel:{tenant}:{channel}"; never read back by the UI. problem: the
-- platform's last refusal of the token, cleared by a new one.
CREATE TABLE channel_credentials (
    tenant TEXT NOT NULL REFERENCES tenants (slug),
    channel TEXT NOT NULL,
    sealed TEXT NOT NULL,
    expires TEXT,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    problem TEXT,
    problem_at TEXT,
    PRIMARY KEY (tenant, channel)
);

ALTER TABLE deliveries ADD COLUMN receipt_id TEXT;
ALTER TABLE deliveries ADD COLUMN receipt_url TEXT;
