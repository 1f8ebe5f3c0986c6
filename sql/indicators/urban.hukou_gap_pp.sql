-- @code: urban.hukou_gap_pp
-- @name_zh: 常住-户籍城镇化率差
-- @name_en: Gap between resident and hukou urbanisation rates
-- @unit: pp
-- @direction: lower_better
-- @aggregation: none
-- @numerator: urban.rate_resident minus urban.rate_hukou (percentage points)
-- @source_tables: population
-- @depends_on: urban.rate_resident, urban.rate_hukou
-- @period: year
-- @vintages: NBS_data_portal_revised, first_release
-- @notes: The urban residents not (yet) registered as urban: "new citizens" not integrated. Pairs each resident rate with the hukou rate of the same region and period, of the same vintage where there is one, else — both rates being the region's own, complete figures — of the first hukou vintage in urban.rate_hukou's preference (named in flags: "hukou vintage …"). A partial roll-up is paired only with a partial roll-up of the same vintage, and the gap is flagged partial; a region's own figure is never paired with a partial roll-up. Computed at every level from the rolled-up rates, so it is not rolled up itself.
SELECT r.region_code, r.period, r.year, r.vintage,
       r.value - h.value AS numerator,
       NULL::DOUBLE AS denominator,
       CASE WHEN h.vintage = r.vintage THEN '' ELSE 'hukou vintage ' || h.vintage END AS flags,
       r.partial OR h.partial AS partial,
       r.is_synthetic OR h.is_synthetic AS is_synthetic,
       weaker_status(r.status, h.status) AS status
FROM indicator_input r
JOIN indicator_input h
  ON h.indicator = 'urban.rate_hukou' AND h.region_code = r.region_code AND h.period = r.period
 AND h.partial = r.partial AND (h.vintage = r.vintage OR NOT r.partial)
WHERE r.indicator = 'urban.rate_resident' AND r.value IS NOT NULL AND h.value IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY r.region_code, r.period, r.vintage
                           ORDER BY (h.vintage = r.vintage) DESC, h.vintage_rank, h.vintage) = 1
