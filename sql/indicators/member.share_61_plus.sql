-- @code: member.share_61_plus
-- @name_zh: 61岁及以上党员占比
-- @name_en: Share of members aged 61 and over
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @aggregation: ratio
-- @numerator: members aged 61 or over
-- @denominator: members with a known birth month (published counts: all members)
-- @persons: numerator, denominator
-- @source_tables: party_member, member_count, party_bulletin
-- @period: snapshot
-- @vintages: cpc_bulletin, member_count, 
-- @notes: The bulletin's age band 61岁及以上; national figures from the CPC bulletin are the vintage cpc_bulletin.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(age_ge61) AS numerator,
       sum(aged_members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(aged_members) > 0
UNION ALL
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, origin AS vintage,
       max(members) FILTER (dimension = 'age' AND band = 'ge61') AS numerator,
       max(members) FILTER (dimension = 'total') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_published
GROUP BY region_code, as_of_date, year, origin
HAVING max(members) FILTER (dimension = 'age' AND band = 'ge61') IS NOT NULL AND max(members) FILTER (dimension = 'total') > 0
