-- Schema v13: the data audit (数据审核).
--
-- The audit rules are files (sql/audit/*.sql, a `-- @key: value` header and
-- one SELECT); audit_rule is their catalogue, rewritten by every audit.
-- audit_finding holds what the last audit found: one row per rule, region,
-- period (and vintage or series) that broke a rule, with the figures
-- involved. Like alert it is written inside a run and versioned: every
-- audit replaces the findings of the one before, which stay in
-- audit_finding_history until vacuumed.

CREATE TABLE audit_rule (
    code          VARCHAR PRIMARY KEY,
    title_zh      VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    checks        VARCHAR NOT NULL,
    advice        VARCHAR NOT NULL,
    source_tables VARCHAR NOT NULL,
    tolerance     VARCHAR
);
COMMENT ON TABLE audit_rule IS 'Audit (数据审核) rules, one row per file in sql/audit. severity: error (错误) or notice (提示). kind: sum (parts sum to the total within the tolerance), range (a share within its bounds), change (a year-on-year change beyond a threshold, pp for rates, % for levels), break (a level break in the year a region code changed, region_crosswalk), zero (a denominator that fell to zero). checks says what the rule checks; advice what to check when it fires (建议核查).';

CREATE TABLE audit_finding_history (
    rule          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    vintage       VARCHAR NOT NULL DEFAULT '',
    series        VARCHAR NOT NULL DEFAULT '',
    value         DOUBLE,
    reference     DOUBLE,
    difference    DOUBLE,
    figures       VARCHAR NOT NULL,
    message       VARCHAR NOT NULL,
    detail        VARCHAR NOT NULL DEFAULT '',
    is_synthetic  BOOLEAN NOT NULL DEFAULT false,
    found_at      TIMESTAMPTZ,
    run_id        BIGINT,
    superseded_by BIGINT
);
CREATE VIEW audit_finding AS SELECT * EXCLUDE (superseded_by) FROM audit_finding_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE audit_finding_history IS 'Every version of audit_finding: rows of every committed run, the ones replaced since included (superseded_by = the run that replaced them), until vacuumed. Read audit_finding for the current rows.';
COMMENT ON VIEW audit_finding IS 'What the last audit found: one row per rule (audit_rule.code), region, period, vintage and series that broke the rule. value is the figure checked; reference what it was checked against (the sum of the parts, the bound, the previous period''s value); difference value − reference (in pp for changes of rates, in % for changes of levels); figures the figures involved, in words; message the finding in one line; detail the source row or unit it came from. Current rows only: every version is in audit_finding_history.';
