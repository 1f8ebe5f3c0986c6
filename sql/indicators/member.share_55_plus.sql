-- @code: member.share_55_plus
-- @name_zh: 55岁以上党员占比
-- @name_en: Share of members aged 55 and over
-- @unit: %
-- @scale: 100
-- @direction: lower_better
-- @aggregation: ratio
-- @numerator: members aged 55 or over at the snapshot (completed years)
-- @denominator: members with a known birth month
-- @persons: numerator, denominator
-- @source_tables: party_member, member_count, party_bulletin
-- @period: snapshot
-- @vintages: cpc_bulletin, member_count, 
-- @notes: An ageing warning: the Minhang study found nearly half of 7,700+ rural members aged 55+. Microdata are the default series (vintage empty); published counts need a ge55 age band (the CPC bulletin's bands, 51-55 and 56-60, cannot give it).
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(age_ge55) AS numerator,
       sum(aged_members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(aged_members) > 0
UNION ALL
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, origin AS vintage,
       max(members) FILTER (dimension = 'age' AND band = 'ge55') AS numerator,
       max(members) FILTER (dimension = 'total') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_published
GROUP BY region_code, as_of_date, year, origin
HAVING max(members) FILTER (dimension = 'age' AND band = 'ge55') IS NOT NULL AND max(members) FILTER (dimension = 'total') > 0
