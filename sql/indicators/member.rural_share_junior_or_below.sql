-- @code: member.rural_share_junior_or_below
-- @name_zh: 农村党员中初中及以下学历占比
-- @name_en: Share of rural members with junior-high education or below
-- @unit: %
-- @scale: 100
-- @direction: lower_better
-- @aggregation: ratio
-- @numerator: rural members (category rural, 农村党员) whose highest education is junior high school or below
-- @denominator: rural members with a recorded education
-- @persons: numerator, denominator
-- @source_tables: party_member
-- @period: snapshot
-- @notes: The education warning of the source studies, on the members it was found for: in Minhang, over 70% of rural members were at junior-high level or below around 2004. From member records only (published counts have no rural split). A region with members but no rural ones has 0 of 0 (no value of its own) and still counts as reporting in its parents' roll-ups; one whose rural members all lack a recorded education has no row, and roll-ups above it are partial.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(rural_edu_junior_or_below) AS numerator,
       sum(rural_edu_known) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
-- nothing to count (0 of 0) without rural members; unknown, so no row, where
-- there are rural members and none has a recorded education
HAVING sum(rural_edu_known) > 0 OR sum(rural_members) = 0
