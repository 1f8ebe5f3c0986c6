-- @code: party_org.compound_branch_coverage
-- @name_zh: 小区党支部覆盖率
-- @name_en: Residential compounds with a party branch
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: residential compounds (小区) with a party branch
-- @denominator: residential compounds
-- @source_tables: community
-- @period: snapshot
-- @notes: From the community register's compound counts.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       coalesce(sum(compounds_with_branch) FILTER (compounds > 0 AND compounds_with_branch IS NOT NULL), 0) AS numerator,
       coalesce(sum(compounds) FILTER (compounds > 0 AND compounds_with_branch IS NOT NULL), 0) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM community
GROUP BY region_code, snapshot_date
-- nothing to count (0 of 0) where every community reports no compounds;
-- unknown, so no row, where communities leave the counts empty
HAVING count(*) FILTER (compounds > 0 AND compounds_with_branch IS NOT NULL) > 0
    OR count(*) FILTER (compounds IS NULL OR (compounds > 0 AND compounds_with_branch IS NULL)) = 0
