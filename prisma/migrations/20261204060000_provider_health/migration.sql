-- Provider health for the whole installation, not only the process that answers: every process adds its
-- request, 429 and error counts per provider and UTC minute (rows are kept a day), and records its own
-- view of each provider (breaker, pauses, rate), which goes with the process.

-- CreateTable
CREATE TABLE "provider_request_minutes" (
    "provider" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "rate_limited" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "provider_request_minutes_pkey" PRIMARY KEY ("provider","minute")
);

-- CreateTable
CREATE TABLE "provider_process_states" (
    "process_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "breaker" TEXT NOT NULL,
    "breaker_retry_at" TIMESTAMPTZ(3),
    "rate_limited_until" TIMESTAMPTZ(3),
    "unavailable_until" TIMESTAMPTZ(3),
    "requests_per_second" DOUBLE PRECISION,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_process_states_pkey" PRIMARY KEY ("process_id","provider")
);

-- AddForeignKey
ALTER TABLE "provider_process_states" ADD CONSTRAINT "provider_process_states_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "worker_processes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
