-- What a provider's credentials were found able to get (today: whether Spotify gives this app artist genres),
-- so that a process start or a crash-restart trusts a recent finding instead of spending a request on it.

-- CreateTable
CREATE TABLE "provider_capabilities" (
    "provider" TEXT NOT NULL,
    "credential_digest" TEXT NOT NULL,
    "genres" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_capabilities_pkey" PRIMARY KEY ("provider")
);
