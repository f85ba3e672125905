// Starts the five provider simulators over a generated library and prints the environment that
// points linernotes at them (for trying the CLI by hand): `npx tsx scripts/simulators.ts > sims.env`.
import { startSimulators } from '../src/simulators/index.ts';

const artists = Number(process.argv[2] ?? 30);
const sims = await startSimulators({ seed: 5, artists });
process.stdout.write(
  `${Object.entries(sims.env)
    .map(([key, value]) => `export ${key}='${value}'`)
    .join('\n')}\n`,
);
process.on('SIGINT', () => void sims.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void sims.close().then(() => process.exit(0)));
