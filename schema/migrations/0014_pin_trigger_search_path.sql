-- The twin of schema/postgres/0014_pin_trigger_search_path.sql, which pins the search
-- path of PostgreSQL's trigger functions so a session's temporary table cannot stand in
-- for a ledger table inside a rule. SQLite needs nothing: a trigger of the main database
-- reads the main database's tables, whatever TEMP tables a connection creates. Kept so
-- both engines record the same migration names. Never edited once landed.
SELECT 1;
