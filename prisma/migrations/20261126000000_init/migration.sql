-- CreateEnum
CREATE TYPE "entry_status" AS ENUM ('ok', 'empty', 'partial', 'error');

-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "job_trigger" AS ENUM ('api', 'schedule', 'cli');

-- CreateTable
CREATE TABLE "artist_cache" (
    "id" SERIAL NOT NULL,
    "name_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plex_rating_key" TEXT,
    "musicbrainz_id" TEXT,
    "genres" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "styles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "moods" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "source" TEXT NOT NULL DEFAULT 'none',
    "status" "entry_status" NOT NULL DEFAULT 'ok',
    "raw_tags" JSONB NOT NULL DEFAULT '{}',
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "use_count" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artist_cache_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "album_cache" (
    "id" SERIAL NOT NULL,
    "artist_key" TEXT NOT NULL,
    "title_key" TEXT NOT NULL,
    "artist_name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "plex_rating_key" TEXT,
    "musicbrainz_id" TEXT,
    "genres" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "styles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "moods" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "source" TEXT NOT NULL DEFAULT 'none',
    "status" "entry_status" NOT NULL DEFAULT 'ok',
    "raw_tags" JSONB NOT NULL DEFAULT '{}',
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "use_count" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "album_cache_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "track_cache" (
    "rating_key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "artist_name" TEXT NOT NULL,
    "album_title" TEXT,
    "artist_key" TEXT NOT NULL,
    "album_key" TEXT,
    "track_number" INTEGER,
    "disc_number" INTEGER,
    "duration_ms" INTEGER,
    "year" INTEGER,
    "musicbrainz_id" TEXT,
    "genres" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "moods" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "static_fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "static_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "user_rating" DOUBLE PRECISION,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "skip_count" INTEGER NOT NULL DEFAULT 0,
    "last_viewed_at" TIMESTAMPTZ(3),
    "stats_fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stats_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "use_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "track_cache_pkey" PRIMARY KEY ("rating_key")
);

-- CreateTable
CREATE TABLE "audio_features" (
    "track_rating_key" TEXT NOT NULL,
    "audiomuse_item_id" TEXT,
    "tempo" DOUBLE PRECISION,
    "key" TEXT,
    "scale" TEXT,
    "energy" DOUBLE PRECISION,
    "mood_vector" JSONB NOT NULL DEFAULT '{}',
    "other_features" JSONB NOT NULL DEFAULT '{}',
    "duration_seconds" DOUBLE PRECISION,
    "analysis_hash" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audio_features_pkey" PRIMARY KEY ("track_rating_key")
);

-- CreateTable
CREATE TABLE "job_runs" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "job_status" NOT NULL DEFAULT 'queued',
    "trigger" "job_trigger" NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "progress_current" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "source_counts" JSONB NOT NULL DEFAULT '{}',
    "message" TEXT,
    "error" TEXT,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "worker_job_id" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "artist_cache_name_key_key" ON "artist_cache"("name_key");

-- CreateIndex
CREATE INDEX "artist_cache_expires_at_idx" ON "artist_cache"("expires_at");

-- CreateIndex
CREATE INDEX "artist_cache_source_idx" ON "artist_cache"("source");

-- CreateIndex
CREATE INDEX "artist_cache_last_used_at_idx" ON "artist_cache"("last_used_at");

-- CreateIndex
CREATE INDEX "artist_cache_plex_rating_key_idx" ON "artist_cache"("plex_rating_key");

-- CreateIndex
CREATE INDEX "artist_cache_genres_idx" ON "artist_cache" USING GIN ("genres");

-- CreateIndex
CREATE INDEX "album_cache_expires_at_idx" ON "album_cache"("expires_at");

-- CreateIndex
CREATE INDEX "album_cache_source_idx" ON "album_cache"("source");

-- CreateIndex
CREATE INDEX "album_cache_last_used_at_idx" ON "album_cache"("last_used_at");

-- CreateIndex
CREATE INDEX "album_cache_genres_idx" ON "album_cache" USING GIN ("genres");

-- CreateIndex
CREATE UNIQUE INDEX "album_cache_artist_key_title_key_key" ON "album_cache"("artist_key", "title_key");

-- CreateIndex
CREATE INDEX "track_cache_artist_key_idx" ON "track_cache"("artist_key");

-- CreateIndex
CREATE INDEX "track_cache_artist_key_album_key_idx" ON "track_cache"("artist_key", "album_key");

-- CreateIndex
CREATE INDEX "track_cache_static_expires_at_idx" ON "track_cache"("static_expires_at");

-- CreateIndex
CREATE INDEX "track_cache_stats_expires_at_idx" ON "track_cache"("stats_expires_at");

-- CreateIndex
CREATE INDEX "track_cache_last_used_at_idx" ON "track_cache"("last_used_at");

-- CreateIndex
CREATE INDEX "job_runs_kind_created_at_idx" ON "job_runs"("kind", "created_at" DESC);

-- CreateIndex
CREATE INDEX "job_runs_status_idx" ON "job_runs"("status");

-- CreateIndex
CREATE INDEX "job_runs_created_at_idx" ON "job_runs"("created_at" DESC);

-- AddForeignKey
ALTER TABLE "audio_features" ADD CONSTRAINT "audio_features_track_rating_key_fkey" FOREIGN KEY ("track_rating_key") REFERENCES "track_cache"("rating_key") ON DELETE CASCADE ON UPDATE CASCADE;
