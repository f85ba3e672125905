-- A process's liveness is its database session, not only its heartbeat. A heartbeat late by the stale
-- period does not prove a process dead: one frozen by an overloaded or swapping machine, or stalled in
-- a long synchronous step, goes on when it thaws, and if its runs had been handed to another worker
-- meanwhile both would work on them. So every process holds a session-level advisory lock, keyed by its
-- id, on a connection of its own for as long as it lives; PostgreSQL releases it the moment the session
-- ends (the process killed, its host gone, the database restarted). A sweep takes a silent process for
-- dead only when its lock is free, or when it has been silent ten stale periods (a process hung with
-- its session open).

-- Taken by the process itself, on its own connection; false while another session holds the key (a
-- sweep testing it, for the length of the sweep's transaction).
CREATE FUNCTION "worker_process_hold_liveness"(process_id TEXT) RETURNS boolean
LANGUAGE sql VOLATILE AS $$ SELECT pg_try_advisory_lock(1818587502, hashtext(process_id)) $$;

-- Tested by a sweep, inside its transaction: true when no session holds the process's key (the lock
-- is then held by the sweep until it commits, so the process cannot take it back in between).
CREATE FUNCTION "worker_process_session_gone"(process_id TEXT) RETURNS boolean
LANGUAGE sql VOLATILE AS $$ SELECT pg_try_advisory_xact_lock(1818587502, hashtext(process_id)) $$;
