-- Who of one kind points at a record (a district's towns), without reading
-- the thousands of partnerships that name the district too.
CREATE INDEX record_references_target_kind ON record_references (to_kind, to_tenant, to_slug, from_kind);
