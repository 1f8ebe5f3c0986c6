-- Schema v18: region_children looks through the same placeholders as the
-- report's region tree.
--
-- v16's macro took any region named 市辖区 or 县 for a placeholder and missed
-- the provinces' 省直辖县级行政区划 (429000 and the like), whose county-level
-- cities the report pages and the bulletin list among the province's
-- prefectures. A placeholder is a prefecture-level (level 2) 市辖区, 县 or
-- …直辖县级行政区划, as reports/tree.go has it.

CREATE OR REPLACE MACRO region_children(parent, on_day) AS TABLE
WITH k0 AS (
    SELECT code, name, level FROM region
    WHERE (parent_code = parent OR (parent = '000000' AND level = 1 AND code <> '000000'))
      AND (on_day IS NULL OR (coalesce(valid_from, DATE '1900-01-01') <= on_day
                              AND coalesce(valid_to, DATE '9999-12-31') > on_day))
), k AS (
    SELECT *, level = 2 AND (name IN ('市辖区', '县') OR name LIKE '%直辖县级行政区划') AS placeholder FROM k0
)
SELECT code, name FROM k WHERE NOT placeholder
UNION ALL
SELECT r.code, r.name FROM region r JOIN k ON r.parent_code = k.code AND k.placeholder
WHERE on_day IS NULL OR (coalesce(r.valid_from, DATE '1900-01-01') <= on_day
                         AND coalesce(r.valid_to, DATE '9999-12-31') > on_day);
