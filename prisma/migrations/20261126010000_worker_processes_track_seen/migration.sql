-- CreateTable
CREATE TABLE "worker_processes" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "graphile_worker_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "worker_processes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "worker_processes_heartbeat_at_idx" ON "worker_processes"("heartbeat_at");

-- AlterTable
ALTER TABLE "track_cache" ADD COLUMN "plex_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "track_cache_plex_seen_at_idx" ON "track_cache"("plex_seen_at");
