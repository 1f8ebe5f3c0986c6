-- Schema v15: the files of a run that reads many (returns).
--
-- A pipeline whose source path is a pattern (inputs/returns/*.xlsx) reads
-- every file it matches in one run: the tables the regions below sent back.
-- _run_file records, with the run's rows, each file it read: its SHA-256
-- and modification time, the rows read from it and how many of them went to the quarantine, and the
-- region codes its rows carried, so that grassroots status can say which
-- region returned which file, and which have not.

CREATE TABLE _run_file (
    run_id           BIGINT NOT NULL,
    file             VARCHAR NOT NULL,
    sha256           VARCHAR,
    modified         TIMESTAMPTZ,
    rows_read        BIGINT NOT NULL DEFAULT 0,
    rows_quarantined BIGINT NOT NULL DEFAULT 0,
    region_codes     VARCHAR[]
);
COMMENT ON TABLE _run_file IS 'One row per file a run of a pattern path read: its SHA-256 and modification time (when it came in, as the file system says), rows read and quarantined, and the region codes its rows carried. Committed with the data it describes.';
