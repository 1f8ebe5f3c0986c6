-- @code: member.age_gap_61_pp
-- @name_zh: 党员与人口老化差（61岁及以上，百分点）
-- @name_en: Members older than the population they live among: share aged 61 and over, members minus adult residents (pp)
-- @unit: pp
-- @direction: lower_better
-- @aggregation: none
-- @numerator: member.share_61_plus minus population.adult_share_60_plus of the same region and year (percentage points)
-- @source_tables: party_member, member_count, party_bulletin, census_age
-- @depends_on: member.share_61_plus, population.adult_share_60_plus
-- @period: snapshot
-- @vintages: , member_count, cpc_bulletin
-- @notes: Where both exist: a member snapshot of a census year against that census (flags name both dates), for the region's own figures or complete roll-ups (a partial roll-up only with a partial one, flagged partial). Positive: members are older than the adults around them, the ageing the studies warn of. The census gives five-year bands, so members aged 61+ are set against residents aged 60+ (the nearest band edge): the gap is then a lower bound of how much older the members are. A gap from synthetic members is synthetic.
SELECT m.region_code, m.period, m.year, m.vintage,
       m.value - p.value AS numerator,
       NULL::DOUBLE AS denominator,
       'members ' || m.period || ', census ' || p.period AS flags,
       m.partial OR p.partial AS partial,
       m.is_synthetic OR p.is_synthetic AS is_synthetic,
       weaker_status(m.status, p.status) AS status
FROM indicator_input m
JOIN indicator_input p
  ON p.indicator = 'population.adult_share_60_plus' AND p.region_code = m.region_code AND p.year = m.year AND p.partial = m.partial
WHERE m.indicator = 'member.share_61_plus' AND m.value IS NOT NULL AND p.value IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY m.region_code, m.period ORDER BY m.vintage_rank, m.vintage) = 1
