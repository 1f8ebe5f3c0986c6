-- @code: member.share_junior_or_below
-- @name_zh: 初中及以下学历党员占比
-- @name_en: Share of members with junior-high education or below
-- @unit: %
-- @scale: 100
-- @direction: lower_better
-- @aggregation: ratio
-- @numerator: members whose highest education is junior high school or below
-- @denominator: members with a recorded education (published counts: all members)
-- @persons: numerator, denominator
-- @source_tables: party_member, member_count, party_bulletin
-- @period: snapshot
-- @vintages: cpc_bulletin, member_count, 
-- @notes: The Minhang study found over 70% of rural members at junior-high level or below.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(edu_junior_or_below) AS numerator,
       sum(edu_known) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(edu_known) > 0
UNION ALL
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, origin AS vintage,
       max(members) FILTER (dimension = 'education' AND band = 'junior_or_below') AS numerator,
       max(members) FILTER (dimension = 'total') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_published
GROUP BY region_code, as_of_date, year, origin
HAVING max(members) FILTER (dimension = 'education' AND band = 'junior_or_below') IS NOT NULL AND max(members) FILTER (dimension = 'total') > 0
