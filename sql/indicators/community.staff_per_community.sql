-- @code: community.staff_per_community
-- @name_zh: 社区工作人员数
-- @name_en: Staff per community
-- @unit: 人
-- @direction: higher_better
-- @precision: 1
-- @aggregation: weighted_mean
-- @weight: communities that report their staff
-- @numerator: community staff (persons)
-- @denominator: communities that report their staff
-- @persons: numerator
-- @source_tables: community
-- @period: snapshot
-- @notes: The studies found 4-6 staff typical and some communities with only 3.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       sum(staff) AS numerator,
       count(*) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM community
WHERE staff IS NOT NULL
GROUP BY region_code, snapshot_date
