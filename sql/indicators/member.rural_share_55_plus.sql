-- @code: member.rural_share_55_plus
-- @name_zh: 农村党员中55岁以上占比
-- @name_en: Share of rural members aged 55 and over
-- @unit: %
-- @scale: 100
-- @direction: lower_better
-- @aggregation: ratio
-- @numerator: rural members (category rural, 农村党员) aged 55 or over at the snapshot (completed years)
-- @denominator: rural members with a known birth month
-- @persons: numerator, denominator
-- @source_tables: party_member
-- @period: snapshot
-- @notes: The ageing warning of the source studies, on the members it was found for: in Minhang, nearly half of 7,700+ rural members were aged 55 or over around 2004. From member records only (published counts have no rural split). A region with members but no rural ones has 0 of 0 (no value of its own) and still counts as reporting in its parents' roll-ups; one whose rural members all lack a birth month has no row, and roll-ups above it are partial.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(rural_age_ge55) AS numerator,
       sum(rural_aged_members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
-- nothing to count (0 of 0) without rural members; unknown, so no row, where
-- there are rural members and none has a birth month
HAVING sum(rural_aged_members) > 0 OR sum(rural_members) = 0
