-- Schema v7: versioned tables, so that no crash can leave half a run visible.
--
-- A run used to replace a partition by inserting its rows and deleting the
-- older ones in one transaction, trusting DuckDB to replay all of a commit or
-- none of it after a crash. It does not always: a process killed while the
-- commit's write-ahead log was being written can reopen with the INSERT
-- applied and the DELETE not (duckdb/duckdb PR #25931), doubling a partition.
--
-- Now nothing a run writes is visible until one small write at its very end:
-- _run.committed_at of the run, a single column of a single row. Every table
-- a run writes keeps all its versions in <table>_history: a run inserts its
-- rows there under its run id and marks the rows it replaces with
-- superseded_by = its run id; neither is seen by readers until the run is
-- committed. The tables analysts, indicators and reports read are views over
-- the history: a row is seen when the run that wrote it is committed and the
-- run that replaced it (if any) is not. Any prefix of a run's writes that
-- survives a crash is invisible; the next writer to open the file removes it
-- and records the run as interrupted.
--
-- Because replaced rows stay until vacuumed, the warehouse can be read as of
-- a moment: set the variable grassroots_as_of to a timestamp and the views
-- show what was committed then. A run's own connection sets grassroots_run
-- to its id while it writes, to see its own rows before they are committed. Rows written outside any run (run_id NULL, or
-- a run id the warehouse never recorded) are always seen.

ALTER TABLE _run ADD COLUMN committed_at TIMESTAMPTZ;
ALTER TABLE _run ADD COLUMN refresh VARCHAR;
ALTER TABLE _run ADD COLUMN refresh_error VARCHAR;
ALTER TABLE _run ADD COLUMN reverts BIGINT;
UPDATE _run SET committed_at = coalesce(ended_at, started_at) WHERE status = 'succeeded';
COMMENT ON COLUMN _run.committed_at IS 'When the run''s rows became visible: the single write that commits a run. NULL for runs that did not (or not yet) commit; their rows, if any survived a crash, are never seen.';
COMMENT ON COLUMN _run.refresh IS 'What depends on the run (indicators, reports) and whether it was refreshed: pending, done or failed; NULL when nothing depends on it. A pending or failed refresh is redone by the next run of the pipeline.';
COMMENT ON COLUMN _run.reverts IS 'For a revert: the run it undid.';

CREATE VIEW _unseen_run AS
SELECT run_id FROM _run
WHERE (committed_at IS NULL AND run_id IS DISTINCT FROM getvariable('grassroots_run')::BIGINT)
   OR committed_at > coalesce(getvariable('grassroots_as_of')::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);
COMMENT ON VIEW _unseen_run IS 'Runs whose rows readers do not see: not committed, or committed after the moment the warehouse is read as of (connection variable grassroots_as_of; unset: now). The connection writing a run sets grassroots_run to it, to read its own rows.';

ALTER TABLE member_profile ADD COLUMN run_id BIGINT;

ALTER TABLE region RENAME TO region_history;
ALTER TABLE region_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW region AS SELECT * EXCLUDE (superseded_by) FROM region_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE region_history IS 'Every version of region: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read region for the current rows.';
COMMENT ON VIEW region IS 'Administrative divisions: level 0 country (000000 全国), 1 province, 2 prefecture, 3 county (GB/T 2260 six-digit codes), 4 township (9-digit NBS statistical code), 5 village or community (12-digit NBS code, with the NBS urban-rural class code where known). Current rows only: every version is in region_history.';

ALTER TABLE region_crosswalk RENAME TO region_crosswalk_history;
ALTER TABLE region_crosswalk_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW region_crosswalk AS SELECT * EXCLUDE (superseded_by) FROM region_crosswalk_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE region_crosswalk_history IS 'Every version of region_crosswalk: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read region_crosswalk for the current rows.';
COMMENT ON VIEW region_crosswalk IS 'Code changes (mergers, splits, renames): old_code maps to new_code from valid_from with a weight (share of the old unit), so long series stay continuous. Example: Shanghai County merged into Minhang in 1992. Current rows only: every version is in region_crosswalk_history.';

ALTER TABLE population RENAME TO population_history;
ALTER TABLE population_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW population AS SELECT * EXCLUDE (superseded_by) FROM population_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE population_history IS 'Every version of population: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read population for the current rows.';
COMMENT ON VIEW population IS 'Population and urbanisation by region and year, in persons. vintage names the release a figure comes from (first release, revised after a census, yearbook edition) so that series of different vintages are never mixed silently. Current rows only: every version is in population_history.';

ALTER TABLE organisation RENAME TO organisation_history;
ALTER TABLE organisation_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW organisation AS SELECT * EXCLUDE (superseded_by) FROM organisation_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE organisation_history IS 'Every version of organisation: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read organisation for the current rows.';
COMMENT ON VIEW organisation IS 'Registry of new economic and social organisations ("两新组织"), one row per organisation per snapshot. kind: nonpublic_enterprise, social_group, private_non_enterprise, foundation, other. party_org_mode: single (单独组建), joint (联合组建), affiliated (挂靠), none. Current rows only: every version is in organisation_history.';

ALTER TABLE party_member RENAME TO party_member_history;
ALTER TABLE party_member_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW party_member AS SELECT * EXCLUDE (superseded_by) FROM party_member_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE party_member_history IS 'Every version of party_member: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read party_member for the current rows.';
COMMENT ON VIEW party_member IS 'Anonymised party-member records: member_hash is a salted hash of the source id; no names or ID numbers are stored; birth and joining dates are cut to the month (first day). gender: M/F. education: primary_or_below, junior_high, senior_high, college (大专), bachelor, postgraduate. category: rural, community, agency, enterprise, social_org, public_institution, retired, student, other. Current rows only: every version is in party_member_history.';

ALTER TABLE party_org RENAME TO party_org_history;
ALTER TABLE party_org_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW party_org AS SELECT * EXCLUDE (superseded_by) FROM party_org_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE party_org_history IS 'Every version of party_org: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read party_org for the current rows.';
COMMENT ON VIEW party_org IS 'Register of party organisations. kind: party_committee (党委), general_branch (党总支), branch (党支部). setting: village, community, compound, enterprise, social_org, agency, public_institution, other. urban_partner_code: the urban party organisation paired with a rural one (城乡结对共建). Current rows only: every version is in party_org_history.';

ALTER TABLE community RENAME TO community_history;
ALTER TABLE community_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW community AS SELECT * EXCLUDE (superseded_by) FROM community_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE community_history IS 'Every version of community: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read community for the current rows.';
COMMENT ON VIEW community IS 'Register of urban communities (社区): staffing, full-time social workers, venue area, funding, residents and households, residential compounds (小区) and how many have a party branch. Current rows only: every version is in community_history.';

ALTER TABLE member_count RENAME TO member_count_history;
ALTER TABLE member_count_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW member_count AS SELECT * EXCLUDE (superseded_by) FROM member_count_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE member_count_history IS 'Every version of member_count: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read member_count for the current rows.';
COMMENT ON VIEW member_count IS 'Party members as published counts (sources that only give aggregates, such as the yearly intra-party statistical bulletin): dimension (total, age, gender, education, occupation, joined, category) × band. Microdata in party_member are reduced to this shape by views. Current rows only: every version is in member_count_history.';

ALTER TABLE party_bulletin RENAME TO party_bulletin_history;
ALTER TABLE party_bulletin_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW party_bulletin AS SELECT * EXCLUDE (superseded_by) FROM party_bulletin_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE party_bulletin_history IS 'Every version of party_bulletin: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read party_bulletin for the current rows.';
COMMENT ON VIEW party_bulletin IS 'Every figure of the 中国共产党党内统计公报 (CPC intra-party statistical bulletin) in long form, one source per figure. subject: members or orgs. unit: persons, units or percent. Current rows only: every version is in party_bulletin_history.';

ALTER TABLE intl_series RENAME TO intl_series_history;
ALTER TABLE intl_series_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW intl_series AS SELECT * EXCLUDE (superseded_by) FROM intl_series_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE intl_series_history IS 'Every version of intl_series: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read intl_series for the current rows.';
COMMENT ON VIEW intl_series IS 'International series by economy and year (World Bank WDI): SP.URB.TOTL.IN.ZS urban population % of total, SP.POP.TOTL total population. is_aggregate marks regional and income-group aggregates. Current rows only: every version is in intl_series_history.';

ALTER TABLE indicator_value RENAME TO indicator_value_history;
ALTER TABLE indicator_value_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW indicator_value AS SELECT * EXCLUDE (superseded_by) FROM indicator_value_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE indicator_value_history IS 'Every version of indicator_value: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read indicator_value for the current rows.';
COMMENT ON VIEW indicator_value IS 'Computed indicator values by region and period (a year such as 2015, or a snapshot date such as 2024-06-30). value = numerator / denominator × scale. Rows with is_rollup were summed up the region hierarchy from their children. Current rows only: every version is in indicator_value_history.';

ALTER TABLE alert RENAME TO alert_history;
ALTER TABLE alert_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW alert AS SELECT * EXCLUDE (superseded_by) FROM alert_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE alert_history IS 'Every version of alert: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read alert for the current rows.';
COMMENT ON VIEW alert IS 'Current early warnings: indicator values that break an alert_rule, refreshed with every indicator computation. Current rows only: every version is in alert_history.';

ALTER TABLE member_profile RENAME TO member_profile_history;
ALTER TABLE member_profile_history ADD COLUMN superseded_by BIGINT;
CREATE VIEW member_profile AS SELECT * EXCLUDE (superseded_by) FROM member_profile_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE member_profile_history IS 'Every version of member_profile: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read member_profile for the current rows.';
COMMENT ON VIEW member_profile IS 'party_member reduced to counts by region and snapshot date (one row each, per is_synthetic), rebuilt from party_member in one scan by every indicator computation that reads it. Ages are completed years at the snapshot, the birth month taken as its first day: aged_members have a birth month; age_sum is the sum of their exact ages in years (days / 365.2425, for the mean age); age_le35, age_ge55, age_ge61 count members aged 35 or under, 55 or over, 61 or over. edu_known members have a recorded education; edu_junior_or_below: primary or junior high; edu_college_plus: college (大专), bachelor or postgraduate. floating: floating members; in_service: in-service members; in_service_reported: those of them who reported to their residential community. The rural_ columns count rural members only (category = ''rural'', 农村党员): rural_members all of them; rural_aged_members those with a birth month, rural_age_ge55 those of them aged 55 or over; rural_edu_known those with a recorded education, rural_edu_junior_or_below those of them at primary or junior high. Current rows only: every version is in member_profile_history.';
