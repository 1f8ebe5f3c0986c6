-- Schema v16: the regions directly below a region, as a table macro.
--
-- The districts of a municipality hang under a placeholder (310100 市辖区,
-- and 县 for its counties where it has any): for the one who asks "which
-- regions below 310000", the placeholder's children stand in its place. The
-- country's children are the provinces (level 1). on_day, when not NULL,
-- keeps the regions valid on that day (the placeholder and its children
-- both); NULL keeps every region the table holds.
--
--   SELECT code, name FROM region_children('310112', current_date) ORDER BY code

CREATE MACRO region_children(parent, on_day) AS TABLE
WITH k0 AS (
    SELECT code, name FROM region
    WHERE (parent_code = parent OR (parent = '000000' AND level = 1 AND code <> '000000'))
      AND (on_day IS NULL OR (coalesce(valid_from, DATE '1900-01-01') <= on_day
                              AND coalesce(valid_to, DATE '9999-12-31') > on_day))
)
SELECT code, name FROM k0 WHERE name NOT IN ('市辖区', '县')
UNION ALL
SELECT r.code, r.name FROM region r JOIN k0 ON r.parent_code = k0.code AND k0.name IN ('市辖区', '县')
WHERE on_day IS NULL OR (coalesce(r.valid_from, DATE '1900-01-01') <= on_day
                         AND coalesce(r.valid_to, DATE '9999-12-31') > on_day);
