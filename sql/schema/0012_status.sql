-- Schema v12: observation status, footnotes and display precision.
--
-- Official figures are published with their status — 快报 preliminary, 修订
-- revised, 推算 estimated, final — and notes (脚注). Every fact row and every
-- indicator value now carries a status (NULL on a fact row: final, or
-- synthetic where is_synthetic), an indicator value the weakest status of the
-- rows it was computed from. The statuses are a table, so a department can add
-- its own (初步核实 …) with its rank and symbol.

CREATE TABLE observation_status (
    code        VARCHAR PRIMARY KEY,
    rank        INTEGER NOT NULL,
    symbol      VARCHAR NOT NULL,
    label_zh    VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    description VARCHAR
);
COMMENT ON TABLE observation_status IS 'Observation statuses a figure can have (as SDMX OBS_STATUS and the PX format''s data symbols): rank orders them from the firmest (0, final) to the weakest; a value computed from several figures takes the weakest. symbol is printed next to a value in reports and exports (none for final), with a legend.';
INSERT INTO observation_status VALUES
    ('final',       0, '',  '最终数',   'final',       '最终核实、正式公布的数字（the figure as finally published）。'),
    ('revised',     1, 'r', '修订数',   'revised',     '首次公布后修订的数字，如人口普查后的修订（revised after first publication）。'),
    ('preliminary', 2, 'p', '快报数',   'preliminary', '快报、初步数：首次公布，有待核实，可能修订（first published, preliminary）。'),
    ('estimated',   3, 'e', '推算数',   'estimated',   '推算或估算的数字，非统计汇总（estimated or imputed）。'),
    ('synthetic',   4, 's', '示例数据', 'synthetic',   '为演示生成的示例数据，不是真实统计（synthetic, generated for the demo）。');

-- status_rank: the rank of a status (NULL is final). A code the table does
-- not know ranks as the weakest: what nobody has vouched for is never taken
-- for a final figure (pipelines and package imports refuse such codes).
CREATE MACRO status_rank(s) AS
    coalesce((SELECT o.rank FROM observation_status o WHERE o.code = coalesce(s, 'final')), 1000);
-- weakest_status: the aggregate an indicator query uses over the rows it sums.
CREATE MACRO weakest_status(s) AS max_by(coalesce(s, 'final'), status_rank(s));
-- weaker_status: the weaker of two statuses.
CREATE MACRO weaker_status(a, b) AS
    CASE WHEN status_rank(b) > status_rank(a) THEN coalesce(b, 'final') ELSE coalesce(a, 'final') END;

ALTER TABLE population_history ADD COLUMN status VARCHAR;
ALTER TABLE organisation_history ADD COLUMN status VARCHAR;
ALTER TABLE party_member_history ADD COLUMN status VARCHAR;
ALTER TABLE party_org_history ADD COLUMN status VARCHAR;
ALTER TABLE community_history ADD COLUMN status VARCHAR;
ALTER TABLE member_count_history ADD COLUMN status VARCHAR;
ALTER TABLE party_bulletin_history ADD COLUMN status VARCHAR;
ALTER TABLE census_unit_history ADD COLUMN status VARCHAR;
ALTER TABLE census_age_history ADD COLUMN status VARCHAR;
ALTER TABLE intl_series_history ADD COLUMN status VARCHAR;
ALTER TABLE member_profile_history ADD COLUMN status VARCHAR;
ALTER TABLE indicator_value_history ADD COLUMN status VARCHAR;
ALTER TABLE reported_value_history ADD COLUMN status VARCHAR;
COMMENT ON COLUMN population_history.status IS 'Observation status (observation_status.code): NULL is final, or synthetic on rows marked is_synthetic.';
COMMENT ON COLUMN indicator_value_history.status IS 'Observation status of the value: the weakest status of the figures it was computed from (observation_status.rank).';

-- The views of the altered tables, created again so that the catalogue lists
-- their new column (a view's column list is fixed when it is created).
CREATE OR REPLACE VIEW population AS SELECT * EXCLUDE (superseded_by) FROM population_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW population IS 'Population and urbanisation by region and year, in persons. vintage names the release a figure comes from (first release, revised after a census, yearbook edition) so that series of different vintages are never mixed silently. Current rows only: every version is in population_history.';
CREATE OR REPLACE VIEW organisation AS SELECT * EXCLUDE (superseded_by) FROM organisation_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW organisation IS 'Registry of new economic and social organisations ("两新组织"), one row per organisation per snapshot. kind: nonpublic_enterprise, social_group, private_non_enterprise, foundation, other. party_org_mode: single (单独组建), joint (联合组建), affiliated (挂靠), none. Current rows only: every version is in organisation_history.';
CREATE OR REPLACE VIEW party_member AS SELECT * EXCLUDE (superseded_by) FROM party_member_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW party_member IS 'Anonymised party-member records: member_hash is a salted hash of the source id; no names or ID numbers are stored; birth and joining dates are cut to the month (first day). gender: M/F. education: primary_or_below, junior_high, senior_high, college (大专), bachelor, postgraduate. category: rural, community, agency, enterprise, social_org, public_institution, retired, student, other. Current rows only: every version is in party_member_history.';
CREATE OR REPLACE VIEW party_org AS SELECT * EXCLUDE (superseded_by) FROM party_org_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW party_org IS 'Register of party organisations. kind: party_committee (党委), general_branch (党总支), branch (党支部). setting: village, community, compound, enterprise, social_org, agency, public_institution, other. urban_partner_code: the urban party organisation paired with a rural one (城乡结对共建). Current rows only: every version is in party_org_history.';
CREATE OR REPLACE VIEW community AS SELECT * EXCLUDE (superseded_by) FROM community_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW community IS 'Register of urban communities (社区): staffing, full-time social workers, venue area, funding, residents and households, residential compounds (小区) and how many have a party branch. Current rows only: every version is in community_history.';
CREATE OR REPLACE VIEW member_count AS SELECT * EXCLUDE (superseded_by) FROM member_count_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW member_count IS 'Party members as published counts (sources that only give aggregates, such as the yearly intra-party statistical bulletin): dimension (total, age, gender, education, occupation, joined, category) × band. Microdata in party_member are reduced to this shape by views. Current rows only: every version is in member_count_history.';
CREATE OR REPLACE VIEW party_bulletin AS SELECT * EXCLUDE (superseded_by) FROM party_bulletin_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW party_bulletin IS 'Every figure of the 中国共产党党内统计公报 (CPC intra-party statistical bulletin) in long form, one source per figure. subject: members or orgs. unit: persons, units or percent. Current rows only: every version is in party_bulletin_history.';
CREATE OR REPLACE VIEW census_unit AS SELECT * EXCLUDE (superseded_by) FROM census_unit_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW census_unit IS 'Population census rows exactly as the yearbook workbook prints them (vintage census_2010 or census_2020, reference date 1 November): the code of the census year or none (census_code), the names, and the figures in persons and households. source_row is the row of the workbook: the 2010 sheet gives a unit''s province and prefecture only by where it stands. census_unit_place places every row among today''s regions.';
CREATE OR REPLACE VIEW census_age AS SELECT * EXCLUDE (superseded_by) FROM census_age_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW census_age IS 'Census population by sex and age band as published: one row per census_unit row (same vintage and source_row) and band, the band being the workbook''s own header (男_1到4岁, 1-4岁（男）). census_population_age reads it by sex and age.';
CREATE OR REPLACE VIEW intl_series AS SELECT * EXCLUDE (superseded_by) FROM intl_series_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW intl_series IS 'International series by economy and year (World Bank WDI): SP.URB.TOTL.IN.ZS urban population % of total, SP.POP.TOTL total population. is_aggregate marks regional and income-group aggregates. Current rows only: every version is in intl_series_history.';
CREATE OR REPLACE VIEW member_profile AS SELECT * EXCLUDE (superseded_by) FROM member_profile_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW member_profile IS 'party_member reduced to counts by region and snapshot date (one row each, per is_synthetic), rebuilt from party_member in one scan by every indicator computation that reads it. Ages are completed years at the snapshot, the birth month taken as its first day: aged_members have a birth month; age_sum is the sum of their exact ages in years (days / 365.2425, for the mean age); age_le35, age_ge55, age_ge61 count members aged 35 or under, 55 or over, 61 or over. edu_known members have a recorded education; edu_junior_or_below: primary or junior high; edu_college_plus: college (大专), bachelor or postgraduate. floating: floating members; in_service: in-service members; in_service_reported: those of them who reported to their residential community. The rural_ columns count rural members only (category = ''rural'', 农村党员): rural_members all of them; rural_aged_members those with a birth month, rural_age_ge55 those of them aged 55 or over; rural_edu_known those with a recorded education, rural_edu_junior_or_below those of them at primary or junior high. Current rows only: every version is in member_profile_history.';
CREATE OR REPLACE VIEW indicator_value AS SELECT * EXCLUDE (superseded_by) FROM indicator_value_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW indicator_value IS 'Computed indicator values by region and period (a year such as 2015, or a snapshot date such as 2024-06-30). value = numerator / denominator × scale. Rows with is_rollup were summed up the region hierarchy from their children: reported of the expected children contributed (flags ''partial: …'' when some did not). A roll-up with beside_own was computed for a region that has its own figure for the same period and vintage: kept beside it for comparison, never instead of it. Current rows only: every version is in indicator_value_history.';
CREATE OR REPLACE VIEW reported_value AS SELECT * EXCLUDE (superseded_by) FROM reported_value_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW reported_value IS 'Indicator numerators and denominators reported up in packages, for the package''s region and every region below it, as the lower level computed them. The indicator computation takes them as those regions'' own figures (where this warehouse computes none of its own) and sums them up the hierarchy; is_derived marks indicators computed from other indicators, which are recomputed here instead.';

ALTER TABLE indicator ADD COLUMN precision INTEGER;
COMMENT ON COLUMN indicator.precision IS 'Decimals a value is shown with (NBS prints rates with one: 67.0); exports keep full precision beside it.';

CREATE TABLE footnote (
    indicator   VARCHAR NOT NULL,
    region_code VARCHAR,
    period      VARCHAR,
    vintage     VARCHAR,
    note_zh     VARCHAR NOT NULL,
    note_en     VARCHAR,
    source      VARCHAR
);
COMMENT ON TABLE footnote IS 'Notes (脚注) on a series or a value: on indicator, for one region or every one (region_code NULL), one period or every one (period NULL), one vintage or every one (vintage NULL). Shown under the charts and in the exports'' notes column.';

-- member_published carries the status of the counts it reads.
CREATE OR REPLACE VIEW member_published AS
SELECT region_code, as_of_date, year, dimension, band, members, published_share_pct,
       'member_count' AS origin, source, is_synthetic, status
FROM member_count
UNION ALL
SELECT '000000' AS region_code, b.as_of_date, b.year,
       CASE WHEN b.figure = 'members_total' THEN 'total'
            WHEN b.figure LIKE 'age\_%' ESCAPE '\' THEN 'age'
            ELSE 'education' END AS dimension,
       CASE WHEN b.figure = 'members_total' THEN 'total'
            WHEN b.figure LIKE 'age\_%' ESCAPE '\' THEN substr(b.figure, 5)
            ELSE 'college_plus' END AS band,
       b.value AS members, s.value AS published_share_pct,
       'cpc_bulletin' AS origin, b.source, false AS is_synthetic, b.status
FROM party_bulletin b
LEFT JOIN party_bulletin s
  ON s.as_of_date = b.as_of_date AND s.subject = b.subject
 AND s.figure = CASE WHEN b.figure = 'college_plus_members' THEN 'college_plus_share_pct'
                     ELSE b.figure || '_share_pct' END
WHERE b.subject = 'members' AND b.unit = 'persons'
  AND (b.figure = 'members_total' OR b.figure = 'college_plus_members'
       OR (b.figure LIKE 'age\_%' ESCAPE '\' AND b.figure NOT LIKE '%share%'));
COMMENT ON VIEW member_published IS 'Published member counts in one shape: member_count rows as loaded, and the CPC bulletin''s national figures (members_total as dimension total; age bands le30, 31_35, ..., ge61, le35, 36_45, 46_60 as dimension age; college_plus_members as education college_plus), each with the share the source printed where it printed one, and the status of the count.';

-- indicator_newer: values newer than a region's default series, from the
-- next vintage that has them — the year a revised series has not reached
-- yet but a first release has (urban.rate_resident 2024: first_release
-- only). Never mixed into the series; shown after it, with the vintage named.
CREATE VIEW indicator_newer AS
WITH d AS (
    SELECT indicator, region_code, any_value(vintage) AS vintage, max(length(period)) AS plen,
           max(CASE WHEN length(period) = 4 THEN period || '-12-31' ELSE period END) AS last_key
    FROM indicator_default GROUP BY indicator, region_code
), cand AS (
    SELECT iv.*,
           coalesce(list_position(string_split(replace(coalesce(i.vintages, ''), ' ', ''), ','), iv.vintage), 1000) AS vintage_rank
    FROM indicator_value iv
    JOIN d ON d.indicator = iv.indicator AND d.region_code = iv.region_code AND iv.vintage <> d.vintage
    JOIN indicator i ON i.code = iv.indicator
    WHERE NOT iv.beside_own AND iv.flags NOT LIKE 'partial:%' AND iv.value IS NOT NULL
      AND (CASE WHEN length(iv.period) = 4 THEN iv.period || '-12-31' ELSE iv.period END) > d.last_key
      AND length(iv.period) = d.plen
)
SELECT * EXCLUDE (vintage_rank) FROM cand
WHERE vintage_rank < 1000
QUALIFY row_number() OVER (PARTITION BY indicator, region_code, period ORDER BY vintage_rank, vintage) = 1;
COMMENT ON VIEW indicator_newer IS 'Values of each indicator and region newer than the last period of its default series (indicator_default), from the best-ranked other vintage of the indicator''s preference that has them: the latest first release beyond a revised series. Read beside the default series with its vintage named, never as part of it.';
