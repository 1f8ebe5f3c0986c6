-- @code: member.urban_concentration
-- @name_zh: 党员城镇集中度
-- @name_en: Urban concentration of members
-- @unit: ratio
-- @direction: neutral
-- @aggregation: none
-- @numerator: share of members living in urban villages/communities (NBS urban-rural class 1xx), %
-- @denominator: resident urbanisation rate of the same region and year, %
-- @source_tables: party_member, region, population
-- @depends_on: urban.rate_resident
-- @period: snapshot
-- @notes: "××% of people and ××% of members live in the city": above 1, members are more urban than the population. Members count where their village or community has an urban-rural class; the urbanisation rate is the region's own series (vintage empty) where it has one, else the first of NBS_data_portal_revised, first_release (named in flags). Computed at every level, not rolled up.
WITH RECURSIVE p AS (
    SELECT p.region_code, p.as_of_date, p.year, r.urban_rural_class LIKE '1%' AS urban,
           sum(p.members) AS members, bool_or(p.is_synthetic) AS is_synthetic
    FROM member_profile p
    JOIN region r ON r.code = p.region_code AND r.urban_rural_class IS NOT NULL
    GROUP BY ALL
), up (code, ancestor, depth) AS (
    SELECT DISTINCT region_code, region_code, 0 FROM p
    UNION ALL
    SELECT up.code, r.parent_code, up.depth + 1
    FROM up JOIN region r ON r.code = up.ancestor
    WHERE r.parent_code IS NOT NULL AND r.parent_code <> r.code AND up.depth < 8
), m AS (
    SELECT a.ancestor AS region_code, p.as_of_date, p.year,
           sum(p.members) FILTER (p.urban) AS urban_members,
           sum(p.members) AS members,
           bool_or(p.is_synthetic) AS is_synthetic
    FROM p JOIN up a ON a.code = p.region_code
    GROUP BY a.ancestor, p.as_of_date, p.year
), u AS (
    SELECT region_code, year, vintage, value, is_synthetic
    FROM indicator_value
    WHERE indicator = 'urban.rate_resident' AND length(period) = 4 AND value > 0
)
SELECT m.region_code, strftime(m.as_of_date, '%Y-%m-%d') AS period, m.year, '' AS vintage,
       100.0 * m.urban_members / m.members AS numerator,
       u.value AS denominator,
       CASE WHEN u.vintage = '' THEN '' ELSE 'urbanisation vintage ' || u.vintage END AS flags,
       m.is_synthetic OR u.is_synthetic AS is_synthetic
FROM m JOIN u ON u.region_code = m.region_code AND u.year = m.year
WHERE m.members > 0
QUALIFY row_number() OVER (PARTITION BY m.region_code, m.as_of_date
    ORDER BY CASE u.vintage WHEN '' THEN 0 WHEN 'NBS_data_portal_revised' THEN 1 WHEN 'first_release' THEN 2 ELSE 3 END, u.vintage) = 1
