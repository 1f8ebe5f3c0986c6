-- @code: member.share_35_under
-- @name_zh: 35岁及以下党员占比
-- @name_en: Share of members aged 35 and under
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: members aged 35 or under
-- @denominator: members with a known birth month (published counts: all members)
-- @persons: numerator, denominator
-- @source_tables: party_member, member_count, party_bulletin
-- @period: snapshot
-- @vintages: cpc_bulletin, member_count, 
-- @notes: Published counts give 35岁及以下 either as one band (le35) or as 30岁及以下 + 31-35岁 (le30 + 31_35); both are used.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(age_le35) AS numerator,
       sum(aged_members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(aged_members) > 0
UNION ALL
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, origin AS vintage,
       coalesce(max(members) FILTER (dimension = 'age' AND band = 'le35'), CASE WHEN count(*) FILTER (dimension = 'age' AND band IN ('le30', '31_35')) = 2 THEN sum(members) FILTER (dimension = 'age' AND band IN ('le30', '31_35')) END) AS numerator,
       max(members) FILTER (dimension = 'total') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_published
GROUP BY region_code, as_of_date, year, origin
HAVING coalesce(max(members) FILTER (dimension = 'age' AND band = 'le35'), CASE WHEN count(*) FILTER (dimension = 'age' AND band IN ('le30', '31_35')) = 2 THEN sum(members) FILTER (dimension = 'age' AND band IN ('le30', '31_35')) END) IS NOT NULL AND max(members) FILTER (dimension = 'total') > 0
