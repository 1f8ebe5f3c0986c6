-- Schema v9: the 2010 and 2020 population censuses by county, prefecture and
-- province, as published, and how each census unit lies among today's regions.
--
-- The census pipelines (pipelines/refdata_census_*.yaml) load the yearbook
-- workbooks row by row, exactly as printed: codes of the census year (or none),
-- names, and the figures. census_unit_place then says, for every row, which
-- current region it is, by the first rule that applies:
--
--   code        its code is one of today's (region)
--   crosswalk   its code changed since and region_crosswalk maps it to one
--               current code (renamed, renumbered, merged: merges are summed)
--   name        it has no GB/T 2260 code of its own (none, an NBS
--               statistical code, a code of no province) and exactly one
--               current region of its prefecture (else of its province) bears
--               its exact name
--   prefecture  a county-level unit that is none of today's counties (a
--               development zone without a code of its own today, a county
--               split since between several): it is counted in its
--               prefecture's published total, and has no figure of its own
--   grouping    a row that sums other rows (市辖区 / 县 subtotals without a
--               code, inside a prefecture or a municipality; the workbook's 全国 row, the sum of the 31
--               provinces — the national figure proper is the published one in
--               population, vintage census_YYYY, which adds servicemen)
--   changed_area  a prefecture-level row whose area is not today's (its total
--               is not what the county-level units now in that prefecture add
--               up to: 2010 铜陵市 before 枞阳县 joined it): not placed, so the
--               region's figure is the sum of those units
--   unattached  none of the above: listed by census_unattached, never summed
--
-- Nothing is guessed: names are matched exactly, and a unit split between
-- several current regions is not apportioned (no weights are published).

CREATE TABLE census_unit_history (
    vintage            VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    reference_date     DATE NOT NULL,
    source_row         INTEGER NOT NULL,
    census_code        VARCHAR,
    province_name      VARCHAR,
    prefecture_name    VARCHAR,
    unit_name          VARCHAR,
    resident_pop       BIGINT,
    male_pop           BIGINT,
    female_pop         BIGINT,
    urban_resident_pop BIGINT,
    rural_resident_pop BIGINT,
    households         BIGINT,
    household_pop      BIGINT,
    hukou_pop          BIGINT,
    nonagri_hukou_share_pct DOUBLE,
    source             VARCHAR,
    run_id             BIGINT,
    superseded_by      BIGINT
);
CREATE VIEW census_unit AS SELECT * EXCLUDE (superseded_by) FROM census_unit_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE census_unit_history IS 'Every version of census_unit: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read census_unit for the current rows.';
COMMENT ON VIEW census_unit IS 'Population census rows exactly as the yearbook workbook prints them (vintage census_2010 or census_2020, reference date 1 November): the code of the census year or none (census_code), the names, and the figures in persons and households. source_row is the row of the workbook: the 2010 sheet gives a unit''s province and prefecture only by where it stands. census_unit_place places every row among today''s regions.';

CREATE TABLE census_age_history (
    vintage        VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    reference_date DATE NOT NULL,
    source_row     INTEGER NOT NULL,
    band           VARCHAR NOT NULL,
    persons        BIGINT,
    source         VARCHAR,
    run_id         BIGINT,
    superseded_by  BIGINT
);
CREATE VIEW census_age AS SELECT * EXCLUDE (superseded_by) FROM census_age_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE census_age_history IS 'Every version of census_age: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read census_age for the current rows.';
COMMENT ON VIEW census_age IS 'Census population by sex and age band as published: one row per census_unit row (same vintage and source_row) and band, the band being the workbook''s own header (男_1到4岁, 1-4岁（男）). census_population_age reads it by sex and age.';

CREATE VIEW census_unit_place AS
WITH u AS (
    SELECT *,
           CASE WHEN census_code IS NULL THEN NULL
                WHEN census_code LIKE '%0000' THEN 1
                WHEN census_code LIKE '%00' THEN 2 ELSE 3 END AS code_level
    FROM census_unit
), seen AS (
    -- the province and prefecture rows above each row (the 2010 sheet names
    -- neither: its rows stand under them)
    SELECT u.*,
           last_value(CASE WHEN code_level = 1 THEN census_code END IGNORE NULLS) OVER w AS province_above,
           -- the last province ('P'), prefecture (its code) or 省/自治区直辖县级行政区划
           -- heading ('D' and its name) above: a province row ends a prefecture
           last_value(CASE WHEN code_level = 1 THEN 'P' WHEN code_level = 2 THEN census_code
                           WHEN census_code IS NULL AND unit_name LIKE '%直辖县级行政区划' THEN 'D' || unit_name END
                      IGNORE NULLS) OVER w AS prefecture_above,
           last_value(code_level IGNORE NULLS) OVER (PARTITION BY vintage ORDER BY source_row
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS level_above
    FROM u
    WINDOW w AS (PARTITION BY vintage ORDER BY source_row ROWS UNBOUNDED PRECEDING)
), cur AS (
    -- a census-year code as today's: itself, or where the crosswalk maps it
    SELECT code AS old_code, code AS new_code, 'code' AS how FROM region
    UNION ALL
    SELECT old_code, new_code, 'crosswalk' FROM region_crosswalk
    WHERE weight = 1 AND old_code NOT IN (SELECT code FROM region)
), parents AS (
    SELECT s.*,
           coalesce(
               (SELECT c.new_code FROM cur c WHERE c.old_code = left(s.census_code, 2) || '0000'),
               (SELECT r.code FROM region r WHERE r.level = 1 AND r.name = s.province_name),
               (SELECT c.new_code FROM cur c WHERE c.old_code = s.province_above)) AS province_code,
           coalesce(
               CASE WHEN s.code_level = 3 THEN (SELECT c.new_code FROM cur c WHERE c.old_code = left(s.census_code, 4) || '00') END,
               (SELECT r.code FROM region r JOIN region p ON p.code = r.parent_code
                WHERE r.level = 2 AND r.name = s.prefecture_name AND p.name = s.province_name),
               CASE WHEN s.province_name IS NOT NULL OR s.prefecture_above = 'P' THEN NULL
                    WHEN s.prefecture_above LIKE 'D%' THEN
                         (SELECT r.code FROM region r WHERE r.level = 2 AND r.name = substr(s.prefecture_above, 2)
                          AND left(r.code, 2) = left(s.province_above, 2))
                    ELSE (SELECT c.new_code FROM cur c WHERE c.old_code = s.prefecture_above) END) AS prefecture_code
    FROM seen s
), matched AS (
    SELECT p.*,
           (SELECT c.new_code FROM cur c WHERE c.old_code = p.census_code AND c.how = 'code') AS by_code,
           (SELECT c.new_code FROM cur c WHERE c.old_code = p.census_code AND c.how = 'crosswalk') AS by_crosswalk,
           -- exact name, for a row without a GB/T 2260 code of its own (none,
           -- an NBS statistical code with 7 in its fifth digit, or a code of
           -- no province): one current region of its prefecture bearing it,
           -- else one of its province. A GB/T code that is neither current
           -- nor in the crosswalk is a unit split since: never matched by name.
           CASE WHEN p.census_code IS NULL OR substr(p.census_code, 5, 1) = '7'
                     OR left(p.census_code, 2) || '0000' NOT IN (SELECT code FROM region WHERE level = 1) THEN
               coalesce(
                   (SELECT CASE WHEN count(*) = 1 THEN any_value(r.code) END FROM region r
                    WHERE r.name = p.unit_name AND r.level IN (2, 3)
                      AND (r.parent_code = p.prefecture_code OR r.code = p.prefecture_code)),
                   (SELECT CASE WHEN count(*) = 1 THEN any_value(r.code) END FROM region r
                    WHERE r.name = p.unit_name AND r.level IN (2, 3) AND left(r.code, 2) = left(p.province_code, 2)))
           END AS by_name,
           p.province_name = '全国' OR p.unit_name = '全国' AS national
    FROM parents p
), m AS (
    -- 市辖区 / 县 rows without a code sum the rows below them (the districts,
    -- the counties of a prefecture or municipality): a subtotal, not a unit.
    -- Matching one by name to today's placeholder (110100 市辖区) would give
    -- it today's area, which it did not have (2010: 北京's 县 were separate).
    -- A county-level unit the crosswalk maps to a prefecture was split since
    -- between counties of that prefecture: it is counted there, not placed.
    SELECT * REPLACE (
               CASE WHEN split_to IS NULL THEN by_crosswalk END AS by_crosswalk,
               coalesce(split_to, prefecture_code) AS prefecture_code),
           unit_name IN ('市辖区', '县') AND census_code IS NULL AS subtotal
    FROM (SELECT *, CASE WHEN code_level = 3 AND (SELECT r.level FROM region r WHERE r.code = by_crosswalk) = 2
                         THEN by_crosswalk END AS split_to
          FROM matched)
), placed AS (
SELECT vintage, year, reference_date, source_row, census_code, province_name, prefecture_name, unit_name,
       resident_pop, urban_resident_pop,
       CASE WHEN national OR subtotal THEN NULL
            ELSE coalesce(by_code, by_crosswalk, CASE WHEN census_code IS NULL OR census_code NOT IN (SELECT old_code FROM cur) THEN by_name END) END AS region_code,
       CASE WHEN national OR subtotal THEN 'grouping'
            WHEN by_code IS NOT NULL THEN 'code'
            WHEN by_crosswalk IS NOT NULL THEN 'crosswalk'
            WHEN by_name IS NOT NULL THEN 'name'
            WHEN coalesce(code_level, 3) = 3 AND prefecture_code IS NOT NULL THEN 'prefecture'
            WHEN code_level = 2 THEN 'grouping'
            ELSE 'unattached' END AS rule,
       province_code, prefecture_code,
       CASE WHEN national THEN 'the workbook''s national row: the sum of the 31 provinces (the published national figure is in population, vintage ' || vintage || ', and adds active servicemen)'
            WHEN subtotal THEN 'a subtotal of the rows below it (市辖区 / 县 without a code), not a unit'
            WHEN code_level = 2 AND by_code IS NULL AND by_crosswalk IS NULL AND by_name IS NULL THEN
                 'a prefecture abolished since across several of today''s prefectures: the sum of its counties, each placed on its own'
            WHEN by_code IS NOT NULL OR by_crosswalk IS NOT NULL OR by_name IS NOT NULL THEN NULL
            WHEN coalesce(code_level, 3) = 3 AND prefecture_code IS NOT NULL THEN
                 CASE WHEN split_to IS NOT NULL THEN 'split since between counties of ' || prefecture_code || ' (region_crosswalk)'
                      ELSE 'not one of today''s counties (no current code' ||
                           CASE WHEN census_code IS NOT NULL THEN ' for ' || census_code ELSE '' END || ')' END ||
                 ': counted in prefecture ' || prefecture_code || ' only, not apportioned among its counties'
            WHEN census_code IS NOT NULL THEN 'code ' || census_code || ' is no longer in use and region_crosswalk maps it to no one current region or prefecture: split or abolished since across prefectures (pipelines/refdata/README.md lists these)'
            ELSE 'no code, and no current region of its prefecture or province bears the name ' || coalesce(unit_name, '') END AS reason
FROM m
), lvl AS (
    SELECT p.*, r.level AS region_level, r.parent_code AS region_parent
    FROM placed p LEFT JOIN region r ON r.code = p.region_code
), below AS (
    -- what the county-level units now in each prefecture add up to
    SELECT vintage, coalesce(region_parent, prefecture_code) AS prefecture, sum(resident_pop) AS pop
    FROM lvl WHERE region_level = 3 OR rule = 'prefecture'
    GROUP BY ALL
), own AS (
    SELECT vintage, region_code, sum(resident_pop) AS pop FROM lvl WHERE region_level = 2 GROUP BY ALL
), changed AS (
    -- a prefecture-level figure whose area is not today's: its census total is
    -- not what the county-level units now in that prefecture add up to (2010
    -- 铜陵市 without 枞阳县, which joined it in 2015). Its region's figure is
    -- then the sum of those units, not the census row.
    SELECT own.vintage, own.region_code, own.pop AS own_pop, below.pop AS units_pop
    FROM own JOIN below ON below.vintage = own.vintage AND below.prefecture = own.region_code
    WHERE own.pop <> below.pop
)
SELECT l.vintage, l.year, l.reference_date, l.source_row, l.census_code, l.province_name, l.prefecture_name, l.unit_name,
       l.resident_pop, l.urban_resident_pop,
       CASE WHEN c.region_code IS NULL THEN l.region_code END AS region_code,
       CASE WHEN c.region_code IS NULL THEN l.rule ELSE 'changed_area' END AS rule,
       l.province_code, l.prefecture_code,
       CASE WHEN c.region_code IS NULL THEN l.reason
            ELSE 'its area is not today''s ' || c.region_code || ': the census total ' || c.own_pop ||
                 ' is not the ' || c.units_pop || ' its units now in ' || c.region_code ||
                 ' add up to, so that region''s figure is their sum, not this row' END AS reason
FROM lvl l LEFT JOIN changed c ON c.vintage = l.vintage AND c.region_code = l.region_code AND l.region_level = 2;
COMMENT ON VIEW census_unit_place IS 'Every census_unit row placed among today''s regions: region_code is the current region the row is (or is part of), by rule code (its code is current), crosswalk (region_crosswalk maps its code of the census year to one current code; merged units are summed), or name (no usable code; exactly one current region of its prefecture bears its exact name). rule prefecture: a county-level unit that is none of today''s counties, counted in its prefecture''s published total only (prefecture_code); grouping: a row that sums others (subtotals, the workbook''s national row); changed_area: a prefecture-level row whose area is not today''s (its total differs from what its units now in that prefecture add up to), left unplaced so that the region''s figure is the sum of those units; unattached: none applies (see census_unattached). reason says why a row has no region_code.';

CREATE VIEW census_unattached AS
SELECT vintage, source_row, census_code, province_name, prefecture_name, unit_name, resident_pop, reason
FROM census_unit_place WHERE rule = 'unattached'
ORDER BY vintage, source_row;
COMMENT ON VIEW census_unattached IS 'Census rows that no rule places among today''s regions (census_unit_place.rule = unattached): listed, never summed into any region''s figures. A census load prints how many there are.';

CREATE VIEW census_population AS
SELECT p.region_code, p.year, p.reference_date, p.vintage,
       sum(u.resident_pop) AS resident_pop,
       sum(u.urban_resident_pop) AS urban_resident_pop,
       sum(coalesce(u.rural_resident_pop, CASE WHEN u.urban_resident_pop = u.resident_pop THEN 0 END)) AS rural_resident_pop,
       sum(u.male_pop) AS male_pop, sum(u.female_pop) AS female_pop,
       sum(u.households) AS households, sum(u.household_pop) AS household_pop, sum(u.hukou_pop) AS hukou_pop,
       count(*) AS census_units,
       string_agg(DISTINCT p.rule, ', ' ORDER BY p.rule) AS rules,
       any_value(u.source) AS source
FROM census_unit_place p
JOIN census_unit u USING (vintage, source_row)
WHERE p.region_code IS NOT NULL
GROUP BY p.region_code, p.year, p.reference_date, p.vintage;
COMMENT ON VIEW census_population IS 'Census population by current region: the census_unit rows census_unit_place places in a region, summed (several rows where units merged since: census_units counts them, rules says how they were placed). Persons and households; rural is 0 where the yearbook leaves it empty and urban equals the total.';

CREATE VIEW census_population_age AS
WITH a AS (
    SELECT vintage, source_row, band, persons,
           CASE WHEN band LIKE '%男%' THEN 'male' WHEN band LIKE '%女%' THEN 'female' END AS sex,
           CAST(regexp_extract(band, '([0-9]+)', 1) AS INTEGER) AS age_from,
           CASE WHEN band LIKE '%以上%' THEN NULL
                ELSE coalesce(TRY_CAST(regexp_extract(band, '[到-]([0-9]+)', 1) AS INTEGER),
                              CAST(regexp_extract(band, '([0-9]+)', 1) AS INTEGER)) END AS age_to
    FROM census_age
)
SELECT p.region_code, p.year, p.reference_date, p.vintage, a.sex, a.age_from, a.age_to,
       sum(a.persons) AS persons
FROM a JOIN census_unit_place p USING (vintage, source_row)
WHERE p.region_code IS NOT NULL AND a.persons IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW census_population_age IS 'Census population by current region, sex (male, female) and age band: age_from to age_to in completed years, age_to NULL for the open top band (85+).';

CREATE VIEW census_total_check AS
WITH p AS (
    SELECT cp.*, r.level AS region_level,
           left(coalesce(cp.region_code, cp.prefecture_code, cp.census_code), 2) || '0000' AS province
    FROM census_unit_place cp LEFT JOIN region r ON r.code = cp.region_code
), county AS (
    SELECT p.*, coalesce((SELECT r.parent_code FROM region r WHERE r.code = p.region_code), p.prefecture_code) AS under
    FROM p
    WHERE region_level = 3 OR rule = 'prefecture'
       OR (rule = 'unattached' AND coalesce(census_code, '') NOT LIKE '%00')
), leaf AS (
    -- the county-level units, and prefectures with none in the census (东莞,
    -- 中山, 嘉峪关; 三亚 in 2010): their towns lie directly under them
    SELECT * EXCLUDE (under) FROM county
    UNION ALL
    SELECT * FROM p WHERE region_level = 2
      AND NOT EXISTS (SELECT 1 FROM county c WHERE c.vintage = p.vintage AND c.under = p.region_code)
)
SELECT o.vintage, o.region_code AS province_code, o.unit_name AS province_name,
       o.resident_pop AS published_total,
       sum(l.resident_pop) FILTER (l.rule IN ('code', 'crosswalk', 'name')) AS in_current_units,
       coalesce(sum(l.resident_pop) FILTER (l.rule = 'prefecture'), 0) AS in_prefecture_only,
       coalesce(sum(l.resident_pop) FILTER (l.rule = 'unattached'), 0) AS unattached,
       o.resident_pop - coalesce(sum(l.resident_pop), 0) AS difference,
       string_agg(l.unit_name || ' ' || l.resident_pop || ' (' || l.rule || ')', '; ' ORDER BY l.source_row)
           FILTER (l.rule IN ('prefecture', 'unattached')) AS units_not_in_a_current_county
FROM p o LEFT JOIN leaf l ON l.vintage = o.vintage AND l.province = o.region_code
WHERE o.region_level = 1
GROUP BY o.vintage, o.region_code, o.unit_name, o.resident_pop
ORDER BY o.vintage, o.region_code;
COMMENT ON VIEW census_total_check IS 'Each province''s published census total against the sum of its county-level units as placed (and prefectures without counties): in_current_units are placed in today''s counties, in_prefecture_only are counted in their prefecture only (rule prefecture), unattached are listed by census_unattached; difference is what the yearbook''s own rows leave unexplained (0 everywhere in the bundled censuses). units_not_in_a_current_county names the units of the last two kinds.';
