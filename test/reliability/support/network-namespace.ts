// A client on another network address of this machine: a network namespace joined to this one by a
// veth pair, with addresses inside 10.231.0.0/16 used only by the pair. Needs root and `ip netns`;
// `unavailableReason()` says why not when the machine does not allow it.
import { execFileSync, spawn } from 'node:child_process';

export interface NetworkNamespace {
  name: string;
  /** This side's address, where a server must listen for the namespace to reach it. */
  hostAddress: string;
  /** The namespace's address: what the server sees as the peer. */
  clientAddress: string;
  /** Runs `node -e script` inside the namespace and returns its stdout. */
  runNode(script: string): Promise<string>;
  remove(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  try {
    const probe = `lnprobe${process.pid}`;
    ip(['netns', 'add', probe]);
    ip(['netns', 'del', probe]);
    return undefined;
  } catch (error) {
    return `ip netns is not usable here: ${(error as Error).message.split('\n')[0]}`;
  }
}

export function createNetworkNamespace(): NetworkNamespace {
  const suffix = process.pid % 250;
  const name = `lnrel${process.pid}`;
  const hostSide = `lnh${process.pid}`.slice(0, 15);
  const clientSide = `lnc${process.pid}`.slice(0, 15);
  const hostAddress = `10.231.${suffix}.1`;
  const clientAddress = `10.231.${suffix}.2`;
  ip(['netns', 'add', name]);
  try {
    ip(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', clientSide]);
    ip(['link', 'set', clientSide, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostSide]);
    ip(['link', 'set', hostSide, 'up']);
    ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${clientAddress}/30`, 'dev', clientSide]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', clientSide, 'up']);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    try {
      ip(['link', 'del', hostSide]);
    } catch {
      // not created
    }
    ip(['netns', 'del', name]);
    throw error;
  }
  return {
    name,
    hostAddress,
    clientAddress,
    runNode: (script) =>
      new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', name, process.execPath, '-e', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
      }),
    remove: () => {
      try {
        ip(['link', 'del', hostSide]);
      } catch {
        // removed with the namespace
      }
      ip(['netns', 'del', name]);
    },
  };
}
