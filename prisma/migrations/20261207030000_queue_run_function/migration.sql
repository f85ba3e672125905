-- Queueing a run in one round trip. A queued start is: the kind's advisory lock (so simultaneous starts
-- make one run), the check for an active run of the kind, the run's row, its graphile-worker job (whose
-- payload names the run), and the job's id on the row. As separate statements of an interactive
-- transaction that is seven round trips, most of the time between a start mutation and its answer; as
-- one function call, one. It runs inside the caller's transaction (the end of a scheduled warm calls it
-- in the transaction that ends the warm), so the lock is held until that commits.
-- Returns the run's id and whether it was created (false: the active run of the kind, which is left as it is).
CREATE FUNCTION "job_run_queue"(
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
    PERFORM pg_advisory_xact_lock(hashtext('linernotes:job-kind:' || run_kind));
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
