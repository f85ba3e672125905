-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN "owner_process_id" TEXT;

-- CreateIndex
CREATE INDEX "job_runs_owner_process_id_idx" ON "job_runs"("owner_process_id");
