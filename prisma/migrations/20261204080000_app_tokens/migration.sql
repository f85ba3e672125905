-- Named read tokens for apps, besides API_TOKEN and READ_TOKEN. Only a SHA-256 digest of each token is
-- stored; the token itself is printed once by `linernotes tokens add`. The request count of the current
-- minute lives on the row, so the quota holds across every process without a table that grows.

-- CreateEnum
CREATE TYPE "app_token_scope" AS ENUM ('read', 'lookup', 'admin');

-- CreateTable
CREATE TABLE "app_tokens" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "scope" "app_token_scope" NOT NULL,
    "quota_per_minute" INTEGER,
    "quota_minute" TIMESTAMPTZ(3),
    "minute_requests" INTEGER NOT NULL DEFAULT 0,
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_tokens_name_key" ON "app_tokens"("name");

-- CreateIndex
CREATE UNIQUE INDEX "app_tokens_token_hash_key" ON "app_tokens"("token_hash");
