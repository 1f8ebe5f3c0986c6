-- @code: org.must_establish_gap
-- @name_zh: 应建未建
-- @name_en: Organisations that should have a party organisation but have none
-- @unit: 家
-- @scale: 1
-- @direction: lower_better
-- @aggregation: sum
-- @numerator: organisations with 3 or more formal party members and no party organisation
-- @source_tables: organisation
-- @period: snapshot
-- @notes: The party constitution calls for a primary organisation wherever there are 3 or more formal members; the organisations themselves are listed by grassroots indicators worklist.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (coalesce(formal_members, 0) >= 3 AND party_org_mode = 'none') AS numerator,
       NULL::DOUBLE AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM organisation
GROUP BY region_code, snapshot_date
