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
-- @notes: "××% of people and ××% of members live in the city": above 1, members are more urban than the population. Members count where their village or community has an urban-rural class; the share above a township is partial where a sub-region (down to townships) has no such members, as a roll-up is. The urbanisation rate is the region's own series (vintage empty) where it has one, else the first of NBS_data_portal_revised, first_release (named in flags) — only for a complete member share. A partial member share is paired only with a partial urbanisation rate of the region's own series, and flagged partial. Computed at every level, not rolled up.
WITH RECURSIVE p AS (
    SELECT p.region_code, p.as_of_date, p.year, r.urban_rural_class LIKE '1%' AS urban,
           sum(p.members) AS members, bool_or(p.is_synthetic) AS is_synthetic,
           weakest_status(p.status) AS status
    FROM member_profile p
    JOIN region r ON r.code = p.region_code AND r.urban_rural_class IS NOT NULL
    GROUP BY ALL
), up (code, ancestor, depth) AS (
    SELECT DISTINCT region_code, region_code, 0 FROM p
    UNION ALL
    SELECT up.code, r.parent_code, up.depth + 1
    FROM up JOIN region r ON r.code = up.ancestor
    WHERE r.parent_code IS NOT NULL AND r.parent_code <> r.code AND up.depth < 8
), covered AS (
    -- regions with members below them (or their own), per snapshot
    SELECT DISTINCT a.ancestor AS code, p.as_of_date FROM p JOIN up a ON a.code = p.region_code
), gap AS (
    -- covered regions with a sub-region (villages and communities aside) that has none
    SELECT DISTINCT c.code, c.as_of_date
    FROM covered c
    JOIN region k ON k.parent_code = c.code AND k.level < 5 AND k.code <> c.code
    LEFT JOIN covered h ON h.code = k.code AND h.as_of_date = c.as_of_date
    WHERE h.code IS NULL
), below AS (
    -- a gap and every region above it
    SELECT DISTINCT ax.ancestor AS code, g.as_of_date
    FROM gap g
    JOIN up ag ON ag.ancestor = g.code
    JOIN up ax ON ax.code = ag.code AND ax.depth >= ag.depth
), m AS (
    SELECT a.ancestor AS region_code, p.as_of_date, p.year,
           sum(p.members) FILTER (p.urban) AS urban_members,
           sum(p.members) AS members,
           bool_or(p.is_synthetic) AS is_synthetic,
           weakest_status(p.status) AS status
    FROM p JOIN up a ON a.code = p.region_code
    GROUP BY a.ancestor, p.as_of_date, p.year
), u AS (
    SELECT region_code, year, vintage, value, partial, vintage_rank, is_synthetic, status
    FROM indicator_input
    WHERE indicator = 'urban.rate_resident' AND length(period) = 4 AND value > 0
)
SELECT m.region_code, strftime(m.as_of_date, '%Y-%m-%d') AS period, m.year, '' AS vintage,
       100.0 * coalesce(m.urban_members, 0) / m.members AS numerator,
       u.value AS denominator,
       CASE WHEN u.vintage = '' THEN '' ELSE 'urbanisation vintage ' || u.vintage END AS flags,
       u.partial AS partial,
       m.is_synthetic OR u.is_synthetic AS is_synthetic,
       weaker_status(m.status, u.status) AS status
FROM m
LEFT JOIN below b ON b.code = m.region_code AND b.as_of_date = m.as_of_date
JOIN u ON u.region_code = m.region_code AND u.year = m.year
      AND u.partial = (b.code IS NOT NULL) AND (u.vintage = '' OR NOT u.partial)
WHERE m.members > 0
QUALIFY row_number() OVER (PARTITION BY m.region_code, m.as_of_date
    ORDER BY CASE u.vintage WHEN '' THEN 0 WHEN 'NBS_data_portal_revised' THEN 1 WHEN 'first_release' THEN 2 ELSE 3 END, u.vintage_rank, u.vintage) = 1
