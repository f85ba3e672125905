-- Where a resumed attempt of the run starts, written together with its progress (src/jobs/engine/resume-point.ts).
-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN "resume_point" JSONB;
