-- @code: member.share_college_plus
-- @name_zh: 大专及以上学历党员占比
-- @name_en: Share of members with college education or above
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: members with college (大专), bachelor or postgraduate education
-- @denominator: members with a recorded education (published counts: all members)
-- @persons: numerator, denominator
-- @source_tables: party_member, member_count, party_bulletin
-- @period: snapshot
-- @vintages: cpc_bulletin, member_count, 
-- @notes: The CPC bulletin publishes the national count (college_plus_members) and share.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(edu_college_plus) AS numerator,
       sum(edu_known) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(edu_known) > 0
UNION ALL
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, origin AS vintage,
       max(members) FILTER (dimension = 'education' AND band = 'college_plus') AS numerator,
       max(members) FILTER (dimension = 'total') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_published
GROUP BY region_code, as_of_date, year, origin
HAVING max(members) FILTER (dimension = 'education' AND band = 'college_plus') IS NOT NULL AND max(members) FILTER (dimension = 'total') > 0
