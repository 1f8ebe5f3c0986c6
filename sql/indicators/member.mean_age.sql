-- @code: member.mean_age
-- @name_zh: 党员平均年龄
-- @name_en: Mean age of members
-- @unit: 岁
-- @direction: neutral
-- @precision: 1
-- @aggregation: weighted_mean
-- @weight: members with a known birth month
-- @numerator: sum of members' exact ages at the snapshot (years)
-- @denominator: members with a known birth month
-- @persons: denominator
-- @source_tables: party_member
-- @period: snapshot
-- @notes: Age = days from the first day of the birth month to the snapshot date / 365.2425 (birth months are stored cut to the month), so ages read about half a month high on average.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(age_sum) AS numerator,
       sum(aged_members) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
HAVING sum(aged_members) > 0
