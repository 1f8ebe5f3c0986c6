-- Schema v8: warehouse settings.
--
-- history_retention_days: how long rows replaced by a later run are kept in
-- the <table>_history tables (so the warehouse can be read as of a past
-- moment and runs reverted); grassroots vacuum drops older ones. Unset: 400
-- days.

CREATE TABLE _setting (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
COMMENT ON TABLE _setting IS 'Warehouse settings, one row each. history_retention_days: days replaced rows are kept before grassroots vacuum drops them (default 400).';
