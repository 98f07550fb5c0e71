-- Public page views counted on the server: per day (in Germany), address
-- and the host a visitor came from ('' for none or the site itself).
-- Nothing about a person: no IP address, no cookie, no user agent.

CREATE TABLE page_views (
    day TEXT NOT NULL,
    path TEXT NOT NULL,
    referrer TEXT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (day, path, referrer)
);

CREATE INDEX page_views_path ON page_views (path, day);
