-- @code: indicator.share_range
-- @title_zh: 比率超出 0–100%
-- @severity: error
-- @kind: range
-- @min: 0
-- @max: 100
-- @checks: 以 % 计的指标值（城镇化率、覆盖率、占比等）与原表所载城镇化率都在 0% 到 100% 之间
-- @advice: 核对该指标的分子、分母：分子是否大于分母（统计范围不一致、重复计数），或分母是否漏报
-- @source_tables: indicator_value, population
-- @value_label: 比率
-- @unit: %
SELECT region_code, period, vintage, indicator AS series, value, is_synthetic
FROM indicator_value
WHERE unit = '%' AND NOT is_rollup AND value IS NOT NULL
UNION ALL
SELECT region_code, CAST(year AS VARCHAR), vintage, '原表城镇化率', published_urban_rate_pct, is_synthetic
FROM population WHERE published_urban_rate_pct IS NOT NULL
