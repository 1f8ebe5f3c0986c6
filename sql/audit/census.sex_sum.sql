-- @code: census.sex_sum
-- @title_zh: 普查男女人口之和不等于常住人口
-- @severity: error
-- @kind: sum
-- @tolerance: 0
-- @checks: 人口普查分县资料每一行：男性人口 + 女性人口 = 常住人口（不允许相差）
-- @advice: 对照普查资料原书该行，确认是原书差错还是转录时错行或错列
-- @source_tables: census_unit, census_unit_place
-- @value_label: 常住人口
-- @reference_label: 男 + 女
-- @unit: 人
SELECT coalesce(p.region_code, p.prefecture_code, p.province_code, '000000') AS region_code,
       CAST(u.year AS VARCHAR) AS period, u.vintage, u.resident_pop AS value,
       u.male_pop + u.female_pop AS expected,
       '普查表第 ' || u.source_row || ' 行 ' || coalesce(u.unit_name, '') AS detail
FROM census_unit u
LEFT JOIN census_unit_place p USING (vintage, source_row)
WHERE u.resident_pop IS NOT NULL AND u.male_pop IS NOT NULL AND u.female_pop IS NOT NULL
