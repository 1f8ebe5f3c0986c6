-- @code: population.code_change_break
-- @title_zh: 区划代码变更当年常住人口断层
-- @severity: notice
-- @kind: break
-- @threshold: 10%
-- @checks: 区划代码变更（撤并、更名，见 region_crosswalk）前后两期的常住人口增减不超过 10%
-- @advice: 确认变更前的数据是否已按新区划口径调整（并入、划出的部分），前后两期是否可比；不可比的，在序列中注明断点
-- @source_tables: population, region_crosswalk
-- @value_label: 常住人口
-- @unit: 人
SELECT region_code, CAST(year AS VARCHAR) AS period, vintage, resident_pop AS value, is_synthetic
FROM population WHERE resident_pop IS NOT NULL
