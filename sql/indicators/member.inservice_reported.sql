-- @code: member.inservice_reported
-- @name_zh: 在职党员社区报到率
-- @name_en: In-service members reported to their residential community
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: in-service members who have reported to their residential community
-- @denominator: in-service (在职) members
-- @persons: numerator, denominator
-- @source_tables: party_member
-- @period: snapshot
-- @notes: From member records only (no published source gives it). A village whose members are all rural or retired has 0 of 0 (no value of its own) and still counts as reporting in its township's roll-up.
SELECT region_code, strftime(as_of_date, '%Y-%m-%d') AS period, year, '' AS vintage,
       sum(in_service_reported) AS numerator,
       sum(in_service) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM member_profile
GROUP BY region_code, as_of_date, year
