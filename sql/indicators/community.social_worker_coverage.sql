-- @code: community.social_worker_coverage
-- @name_zh: 专职社工配备率
-- @name_en: Communities with a full-time social worker
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: communities with at least one full-time social worker (专职社工)
-- @denominator: communities that report their social workers
-- @source_tables: community
-- @period: snapshot
-- @notes: Target: a full-time social worker in every community by 2020.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (fulltime_social_workers >= 1) AS numerator,
       count(*) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM community
WHERE fulltime_social_workers IS NOT NULL
GROUP BY region_code, snapshot_date
