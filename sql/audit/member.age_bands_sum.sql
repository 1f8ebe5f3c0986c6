-- @code: member.age_bands_sum
-- @title_zh: 党员各年龄段之和不等于党员总数
-- @severity: error
-- @kind: sum
-- @tolerance: 0.01%
-- @checks: 同一时点、同一套分组的各年龄段党员数之和 = 党员总数；公报以万名为单位保留一位小数，每段舍入至多 500 人，故容差为总数的 0.01%
-- @advice: 核对各年龄段是否取自同一时点、同一套分组（如 35 岁及以下与 30 岁及以下不可相加），有无漏段或重段
-- @source_tables: member_published
-- @value_label: 党员总数
-- @reference_label: 各年龄段之和
-- @unit: 人
WITH schemes(scheme, band, bands) AS (
    VALUES ('35/45/60', 'le35', 4), ('35/45/60', '36_45', 4), ('35/45/60', '46_60', 4), ('35/45/60', 'ge61', 4),
           ('5岁一组', 'le30', 8), ('5岁一组', '31_35', 8), ('5岁一组', '36_40', 8), ('5岁一组', '41_45', 8),
           ('5岁一组', '46_50', 8), ('5岁一组', '51_55', 8), ('5岁一组', '56_60', 8), ('5岁一组', 'ge61', 8)
), bands AS (
    SELECT m.region_code, m.as_of_date, s.scheme, sum(m.members) AS members,
           count(DISTINCT m.band) AS n, max(s.bands) AS bands, bool_or(m.is_synthetic) AS is_synthetic
    FROM member_published m JOIN schemes s ON s.band = m.band
    WHERE m.dimension = 'age' AND m.members IS NOT NULL
    GROUP BY ALL
)
SELECT t.region_code, CAST(t.as_of_date AS VARCHAR) AS period, b.scheme AS series,
       t.members AS value, b.members AS expected, t.is_synthetic OR b.is_synthetic AS is_synthetic
FROM member_published t
JOIN bands b ON b.region_code = t.region_code AND b.as_of_date = t.as_of_date AND b.n = b.bands
WHERE t.dimension = 'total' AND t.members IS NOT NULL
