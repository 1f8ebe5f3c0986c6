-- @code: org.work_coverage
-- @name_zh: 党的工作覆盖率
-- @name_en: Party-work coverage of new economic and social organisations
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: organisations in scope with a party organisation or a party-building instructor (党建指导员)
-- @denominator: new economic and social organisations in scope
-- @source_tables: organisation
-- @period: snapshot
-- @notes: Work coverage (工作覆盖) counts a party-building instructor where no organisation has been set up. Every region in the register counts as reporting: one with no organisation in scope has 0 of 0 (no value of its own) and leaves its parent's roll-up complete.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER ((in_scope) AND (party_org_mode IN ('single', 'joint', 'affiliated') OR instructor_assigned)) AS numerator,
       count(*) FILTER (in_scope) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM organisation
GROUP BY region_code, snapshot_date
