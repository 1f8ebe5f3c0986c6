-- @code: urban.rate_change
-- @title_zh: 城镇化率年变动过大
-- @severity: notice
-- @kind: change
-- @threshold: 8 pp
-- @checks: 常住人口、户籍人口城镇化率与上年相比（同一区划、口径）变动不超过 8 个百分点
-- @advice: 核对两年的城镇人口和总人口是否录入有误、口径是否一致（普查后修订、城乡划分标准变化），有无区划调整
-- @source_tables: indicator_value
-- @value_label: 城镇化率
-- @unit: %
SELECT region_code, period, vintage, indicator AS series, value, is_synthetic
FROM indicator_value
WHERE indicator IN ('urban.rate_resident', 'urban.rate_hukou') AND NOT is_rollup AND NOT beside_own
