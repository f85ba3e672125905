-- The processes that called each rate-limited provider recently. A provider's rate is a budget for the
-- whole installation, shared only among the processes that spend it: an API process that never calls
-- Last.fm does not halve the rate of the worker beside it. Rows go with their process.

-- CreateTable
CREATE TABLE "provider_callers" (
    "process_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "called_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_callers_pkey" PRIMARY KEY ("process_id","provider")
);

-- AddForeignKey
ALTER TABLE "provider_callers" ADD CONSTRAINT "provider_callers_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "worker_processes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
