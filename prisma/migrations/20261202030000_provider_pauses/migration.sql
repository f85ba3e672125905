-- Providers paused for the whole installation because they refused our credentials for good (Last.fm's
-- invalid or suspended key, a Spotify app whose owner has no Premium). Every process reads it at start
-- and follows changes through NOTIFY provider_pauses, so none keeps sending requests that are refused.

-- CreateTable
CREATE TABLE "provider_pauses" (
    "provider" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "credential_digest" TEXT NOT NULL,
    "paused_at" TIMESTAMPTZ(3) NOT NULL,
    "retry_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_pauses_pkey" PRIMARY KEY ("provider")
);
