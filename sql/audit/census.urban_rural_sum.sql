-- @code: census.urban_rural_sum
-- @title_zh: 普查城镇与乡村人口之和不等于常住人口
-- @severity: error
-- @kind: sum
-- @tolerance: 0
-- @checks: 人口普查分县资料每一行：城镇人口 + 乡村人口 = 常住人口（普查数为精确人数，不允许相差；乡村人口空白按 0 计）
-- @advice: 对照普查资料原书该行，确认是原书印刷/录入差错还是转录时错行；原书如此的，在使用该单位数据时加注说明
-- @source_tables: census_unit, census_unit_place
-- @value_label: 常住人口
-- @reference_label: 城镇 + 乡村人口
-- @unit: 人
SELECT coalesce(p.region_code, p.prefecture_code, p.province_code, '000000') AS region_code,
       CAST(u.year AS VARCHAR) AS period, u.vintage, u.resident_pop AS value,
       u.urban_resident_pop + coalesce(u.rural_resident_pop, 0) AS expected,
       '普查表第 ' || u.source_row || ' 行 ' || coalesce(u.unit_name, '') AS detail
FROM census_unit u
LEFT JOIN census_unit_place p USING (vintage, source_row)
WHERE u.resident_pop IS NOT NULL AND u.urban_resident_pop IS NOT NULL
