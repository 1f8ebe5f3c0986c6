-- Schema v4: the series a chart or an analyst reads as a region's figures.
--
-- indicator_value holds every vintage of every region, and roll-ups summed
-- from only some of a region's sub-regions (flagged 'partial: …'). Such a
-- roll-up is not the region's figure: 1 of 31 provinces summed is not the
-- national rate. indicator_series keeps, for each indicator and region, the
-- values of one vintage only, chosen as indicator_default chooses it, after
-- leaving out the partial roll-ups — so a region whose preferred vintage is
-- all partial falls back to its next vintage, and a region with only partial
-- values has no series at all.

CREATE VIEW indicator_series AS
WITH complete AS (
    SELECT * FROM indicator_value WHERE flags NOT LIKE 'partial:%'
), have AS (
    SELECT c.indicator, c.region_code, c.vintage, count(*) AS n, i.vintages
    FROM complete c LEFT JOIN indicator i ON i.code = c.indicator
    GROUP BY ALL
), ranked AS (
    SELECT indicator, region_code, vintage,
           row_number() OVER (PARTITION BY indicator, region_code ORDER BY
               coalesce(list_position(string_split(replace(coalesce(vintages, ''), ' ', ''), ','), vintage), 1000),
               n DESC, vintage) AS r
    FROM have
)
SELECT c.* FROM complete c
JOIN ranked USING (indicator, region_code, vintage)
WHERE ranked.r = 1;
COMMENT ON VIEW indicator_series IS 'What reports show as a region''s figures: the values of indicator_value that are not partial roll-ups (flags ''partial: …'' — summed from only some sub-regions, so not the region''s figure), of one vintage per indicator and region — the first of the indicator''s declared vintage preference the region has complete values for, else the vintage with most values (as indicator_default chooses).';
