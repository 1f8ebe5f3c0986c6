-- @code: urban.area_km2
-- @name_zh: 城市化面积
-- @name_en: Urbanised area
-- @unit: km²
-- @direction: neutral
-- @aggregation: sum
-- @numerator: urbanised (built-up urban) area in km²
-- @source_tables: population
-- @period: year
-- @vintages: NBS_data_portal_revised, first_release
-- @notes: A level, summed up the region hierarchy.
SELECT region_code,
       CASE WHEN reference_date IS NULL OR strftime(reference_date, '%m-%d') = '12-31'
            THEN CAST(year AS VARCHAR) ELSE strftime(reference_date, '%Y-%m-%d') END AS period,
       year, vintage,
       urbanised_area_km2 AS numerator,
       NULL::DOUBLE AS denominator,
       is_synthetic, status
FROM population
WHERE urbanised_area_km2 IS NOT NULL
