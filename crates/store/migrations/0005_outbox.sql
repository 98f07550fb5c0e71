-- One outbox for every channel. A job carries a typed payload (JSON) and
-- is planned once into deliveries; each delivery goes to a target of some
-- kind (an e-mail address today) and has its own attempts, backoff, lease,
-- state and error, so several workers can share one job's deliveries.
--
-- Job states: pending (to be planned) → planning (leased) → delivering →
-- done | failed. Delivery states: pending → sending (leased) → delivered |
-- failed | pending again after a transient error; a sending delivery whose
-- lease ran out becomes uncertain and is never sent again.

ALTER TABLE jobs ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';
UPDATE jobs SET payload = '{"release":"' || subject || '"}' WHERE kind = 'release_mail';
-- A run cut off before this version planned again from the start; planning
-- adds only who is missing.
UPDATE jobs SET state = 'pending', lease_until_us = NULL WHERE state = 'running';

CREATE TABLE outbox_deliveries (
    job TEXT NOT NULL REFERENCES jobs (id),
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    name TEXT NOT NULL,
    person TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    not_before_us BIGINT NOT NULL,
    lease_until_us BIGINT,
    error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job, target_kind, target)
);

INSERT INTO outbox_deliveries (job, target_kind, target, name, person, token, state, attempts,
        not_before_us, lease_until_us, error, sent_at, created_at, updated_at)
    SELECT job, 'email', email, name, journalist, token,
        CASE state WHEN 'sending' THEN 'uncertain' ELSE state END,
        0, 0, NULL, error, sent_at, created_at, updated_at
    FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE outbox_deliveries RENAME TO deliveries;

CREATE INDEX deliveries_due ON deliveries (state, not_before_us);
CREATE INDEX deliveries_person ON deliveries (person);
