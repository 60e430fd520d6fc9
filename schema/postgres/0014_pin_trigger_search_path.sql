-- Every rule of the ledger's triggers names its tables unqualified (`postings`,
-- `log_entries`), and PostgreSQL resolves such names through the session's search_path,
-- in which a session's own temporary schema (pg_temp) comes FIRST unless it is named. A
-- role allowed to create temporary tables could therefore create a temporary `postings`
-- holding balancing rows and insert a one-sided transaction into the real tables:
-- `transactions_must_balance` would sum the temporary rows and let it commit. (Found by
-- reading the schema as an attacker; the test in PostgresStoreTests commits exactly that
-- against 0001–0013 alone.)
--
-- Each function of the ledger's schema now resolves names in that schema, then in
-- pg_temp, last: a temporary table can no longer stand in for a ledger table inside a
-- rule. SQLite's twin has nothing to do (a trigger there reads its own database's
-- tables). Never edited once landed.
DO $$
DECLARE
    rule regprocedure;
BEGIN
    FOR rule IN
        SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prokind = 'f'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', rule, current_schema());
    END LOOP;
END $$;
