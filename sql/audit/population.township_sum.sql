-- @code: population.township_sum
-- @title_zh: 各街镇常住人口之和不等于区县数
-- @severity: error
-- @kind: sum
-- @tolerance: 0.1%
-- @checks: 区县自报的常住人口 = 其所辖全部街镇常住人口之和（同一年份、口径，且每个街镇都有数时才比），相差不超过 0.1%
-- @advice: 核对区县汇总表与各街镇报表是否同一口径、同一时点；查找漏报、重报的街镇，或区划调整后仍按旧街镇汇总的情况
-- @source_tables: population, region
-- @value_label: 区县常住人口
-- @reference_label: 各街镇之和
-- @unit: 人
WITH towns AS (
    SELECT parent_code, count(*) AS n FROM region WHERE level = 4 GROUP BY parent_code
), summed AS (
    SELECT r.parent_code AS region_code, p.year, p.vintage, sum(p.resident_pop) AS resident,
           count(DISTINCT p.region_code) AS n, bool_or(p.is_synthetic) AS is_synthetic
    FROM population p JOIN region r ON r.code = p.region_code AND r.level = 4
    WHERE p.resident_pop IS NOT NULL
    GROUP BY ALL
)
SELECT d.region_code, CAST(d.year AS VARCHAR) AS period, d.vintage, d.resident_pop AS value,
       s.resident AS expected, d.is_synthetic OR s.is_synthetic AS is_synthetic,
       s.n || ' 个街镇' AS detail
FROM population d
JOIN summed s ON s.region_code = d.region_code AND s.year = d.year AND s.vintage = d.vintage
JOIN towns t ON t.parent_code = d.region_code AND t.n = s.n
WHERE d.resident_pop IS NOT NULL
