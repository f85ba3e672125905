-- The lock that serialises the starts of a kind, in one place: queued starts (job_run_queue) and the
-- starts of runs that begin at once in a process (the CLI, a scheduled occurrence) both take it, and
-- each spelled its namespace on its own until now.
CREATE FUNCTION "job_kind_lock"(run_kind TEXT) RETURNS void
LANGUAGE sql VOLATILE AS $$ SELECT pg_advisory_xact_lock(hashtext('linernotes:job-kind:' || run_kind)) $$;

-- As before, taking the kind's lock through job_kind_lock.
CREATE OR REPLACE FUNCTION "job_run_queue"(
    run_kind TEXT,
    run_trigger "job_trigger",
    run_options JSONB,
    job_max_attempts INTEGER
) RETURNS TABLE (run_id INTEGER, created BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    active_id INTEGER;
    new_id INTEGER;
    job_id BIGINT;
BEGIN
    PERFORM job_kind_lock(run_kind);
    SELECT r.id INTO active_id FROM job_runs r
     WHERE r.kind = run_kind AND r.status IN ('queued', 'running')
     ORDER BY r.id LIMIT 1;
    IF active_id IS NOT NULL THEN
        RETURN QUERY SELECT active_id, false;
        RETURN;
    END IF;
    -- created_at is read after the lock (clock_timestamp, not now(), which is the transaction's start):
    -- a start that waited behind the end of the kind's last run is created after that end.
    INSERT INTO job_runs (kind, status, trigger, options, created_at, updated_at)
    VALUES (run_kind, 'queued', run_trigger, run_options, clock_timestamp(), clock_timestamp())
    RETURNING id INTO new_id;
    SELECT j.id INTO job_id FROM graphile_worker.add_job(
        run_kind, json_build_object('runId', new_id), max_attempts => job_max_attempts, job_key => 'run:' || run_kind) AS j;
    UPDATE job_runs SET worker_job_id = job_id::text WHERE id = new_id;
    RETURN QUERY SELECT new_id, true;
END
$$;
