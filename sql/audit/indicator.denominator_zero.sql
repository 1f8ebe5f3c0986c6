-- @code: indicator.denominator_zero
-- @title_zh: 分母降为零
-- @severity: error
-- @kind: zero
-- @checks: 指标的分母（常住人口、党员数、统计范围内组织数等）上一期大于零，本期为零
-- @advice: 核对本期报表是否漏报、分母一栏是否填在了别的栏，或该区划是否已撤并（撤并的应在区划表中注明）
-- @source_tables: indicator_value, population
-- @value_label: 分母
SELECT region_code, period, vintage, indicator AS series, denominator AS value, is_synthetic
FROM indicator_value
WHERE NOT is_rollup AND NOT beside_own AND denominator IS NOT NULL AND indicator NOT LIKE 'urban.%'
UNION ALL
SELECT region_code, CAST(year AS VARCHAR), vintage, '常住人口', resident_pop, is_synthetic
FROM population WHERE resident_pop IS NOT NULL
