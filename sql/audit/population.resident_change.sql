-- @code: population.resident_change
-- @title_zh: 常住人口年变动过大
-- @severity: notice
-- @kind: change
-- @threshold: 25%
-- @checks: 常住人口与上年相比（同一区划、口径）增减不超过 25%
-- @advice: 核对两年数据是否录入有误（多打、漏打一位），单位是否一致（人/万人），有无区划调整或口径变化
-- @source_tables: population
-- @value_label: 常住人口
-- @unit: 人
SELECT region_code, CAST(year AS VARCHAR) AS period, vintage, resident_pop AS value, is_synthetic
FROM population WHERE resident_pop IS NOT NULL
