-- @code: org.member_density
-- @name_zh: 党员密度
-- @name_en: Formal party members per 100 employees
-- @unit: 人/百人
-- @scale: 100
-- @direction: higher_better
-- @precision: 1
-- @aggregation: ratio
-- @numerator: formal party members working in organisations in scope
-- @denominator: employees of organisations in scope that report employees
-- @persons: numerator, denominator
-- @source_tables: organisation
-- @period: snapshot
-- @notes: A low density marks the thin membership the studies found in new economic organisations.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       coalesce(sum(coalesce(formal_members, 0)) FILTER (in_scope AND employees > 0), 0) AS numerator,
       coalesce(sum(employees) FILTER (in_scope AND employees > 0), 0) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM organisation
GROUP BY region_code, snapshot_date
-- nothing to count (0 of 0) where no organisation is in scope; unknown, so
-- no row, where organisations in scope do not report employees
HAVING count(*) FILTER (in_scope AND employees > 0) > 0 OR count(*) FILTER (in_scope AND employees IS NULL) = 0
