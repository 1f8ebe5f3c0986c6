-- @code: member.share_floating
-- @name_zh: 流动党员占比
-- @name_en: Share of floating members
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @aggregation: ratio
-- @numerator: floating members (流动党员)
-- @denominator: members
-- @persons: numerator, denominator
-- @source_tables: party_member
-- @period: snapshot
-- @notes: From member records only (no published source gives it).
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(floating) AS numerator,
       sum(members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(members) > 0
