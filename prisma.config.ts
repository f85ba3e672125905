// Prisma CLI configuration. The application never runs the Prisma CLI: it applies
// prisma/migrations itself (src/db/migrator.ts). This file serves `prisma generate` and, for
// contributors who can reach Prisma's binary host, `prisma migrate deploy`/`migrate diff`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/linernotes' },
});
