-- Failed sign-ins are counted per address, whether an account has it or
-- not, so that slowing down and locking tell no one which accounts exist.
-- Only a hash of the address is kept. accounts.failed_logins and
-- accounts.locked_until are no longer used.
CREATE TABLE sign_in_failures (
    address_hash TEXT NOT NULL PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
