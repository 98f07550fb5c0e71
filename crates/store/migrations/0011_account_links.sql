-- Accounts made in the browser: an invitation or a password reset is a
-- one-time link, stored by the hash of its token; a pending second factor
-- at sign-in is one too. A disabled account keeps its history but signs in
-- no more. The second factor's secret is sealed with the installation's
-- key; its last accepted step stops a code from being used twice.

ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
ALTER TABLE accounts ADD COLUMN second_factor TEXT;
ALTER TABLE accounts ADD COLUMN second_factor_step BIGINT;

CREATE TABLE account_links (
    token_hash TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL REFERENCES accounts (email),
    purpose TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX account_links_email ON account_links (email);
