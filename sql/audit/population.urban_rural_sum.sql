-- @code: population.urban_rural_sum
-- @title_zh: 城镇与乡村常住人口之和不等于常住人口
-- @severity: error
-- @kind: sum
-- @tolerance: 0.1%
-- @checks: 城镇常住人口 + 乡村常住人口 = 常住人口（同一区划、年份、口径），相差不超过常住人口的 0.1%
-- @advice: 核对原表该行三个数是否录入有误（多打、漏打或颠倒数字），以及是否混用了不同口径或单位（人/万人）
-- @source_tables: population
-- @value_label: 常住人口
-- @reference_label: 城镇 + 乡村常住人口
-- @unit: 人
SELECT region_code, CAST(year AS VARCHAR) AS period, vintage, resident_pop AS value,
       urban_resident_pop + rural_resident_pop AS expected, is_synthetic
FROM population
WHERE resident_pop IS NOT NULL AND urban_resident_pop IS NOT NULL AND rural_resident_pop IS NOT NULL
