// `linernotes tokens add|list|revoke`: named app tokens. The token is printed once, at creation, on
// stdout alone (so `TOKEN=$(linernotes tokens add …)` works); nothing else ever shows it again.
import {
  AppTokenError,
  type AppTokenScope,
  createAppToken,
  listAppTokens,
  revokeAppToken,
} from '../access/app-tokens.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

export async function tokensAddCommand(options: {
  name: string;
  scope: AppTokenScope;
  quotaPerMinute?: number;
}): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const token = await createAppToken(context.db.pool, options);
    process.stdout.write(`${token}\n`);
    process.stderr.write(
      `token "${options.name}" (${options.scope}${options.quotaPerMinute !== undefined ? `, ${options.quotaPerMinute} requests a minute` : ''}) made; it is shown only this once\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AppTokenError) {
      process.stderr.write(`linernotes: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await context.close();
  }
}

export async function tokensListCommand(options: { json: boolean }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const tokens = await listAppTokens(context.db.pool);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
    } else if (tokens.length === 0) {
      process.stdout.write('no app tokens\n');
    } else {
      process.stdout.write(
        `${formatTable(
          ['NAME', 'SCOPE', 'QUOTA/MIN', 'CREATED', 'LAST USED'],
          tokens.map((token) => [
            token.name,
            token.scope,
            token.quotaPerMinute,
            token.createdAt.toISOString(),
            token.lastUsedAt?.toISOString() ?? 'never',
          ]),
        )}\n`,
      );
    }
    return 0;
  } finally {
    await context.close();
  }
}

export async function tokensRevokeCommand(name: string): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    if (!(await revokeAppToken(context.db.pool, name))) {
      process.stderr.write(`linernotes: no token named ${JSON.stringify(name)}\n`);
      return 2;
    }
    process.stdout.write(`token "${name}" revoked: every process refuses it from now on\n`);
    return 0;
  } finally {
    await context.close();
  }
}
