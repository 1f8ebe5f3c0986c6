-- @code: community.venue_compliance
-- @name_zh: 阵地面积达标率
-- @name_en: Communities whose service venue meets the area standard
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: communities whose venue has at least 30 m² per 100 households
-- @denominator: communities that report venue area and households
-- @source_tables: community
-- @period: snapshot
-- @notes: Standard: 社区综合服务设施 of no less than 30 m² per 100 households (社区服务体系建设规划 2011-2015). Communities without a household count are left out.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (venue_m2 IS NOT NULL AND households > 0 AND venue_m2 >= 30.0 * households / 100) AS numerator,
       count(*) FILTER (venue_m2 IS NOT NULL AND households > 0) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM community
GROUP BY region_code, snapshot_date
-- nothing to count (0 of 0) where every community has no households yet;
-- unknown, so no row, where communities leave venue or households empty
HAVING count(*) FILTER (venue_m2 IS NOT NULL AND households > 0) > 0
    OR count(*) FILTER (venue_m2 IS NULL OR households IS NULL) = 0
