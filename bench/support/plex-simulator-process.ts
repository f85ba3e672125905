// The Plex simulator in a process of its own, as a real Plex server is: its rendering must not share a
// thread with the client under measurement. Prints one JSON line {url, token, section} when listening,
// and serves until its stdin closes. Run: node --import tsx bench/support/plex-simulator-process.ts TRACKS
import { createLibrary } from '../../src/simulators/library.ts';
import { startPlexSimulator } from '../../src/simulators/plex.ts';

const tracks = Number(process.argv[2] ?? '100000');
const plex = await startPlexSimulator({ library: createLibrary({ seed: 13, tracks }), host: '127.0.0.1' });
// The log keeps every request; a benchmark's thousands of entries are no burden, but clearing it
// between rounds keeps the process's memory flat.
const clear = setInterval(() => plex.log.clear(), 5_000);
process.stdout.write(`${JSON.stringify({ url: plex.url, token: plex.token, section: plex.musicSectionId })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(clear);
  void plex.close().then(() => process.exit(0));
});
