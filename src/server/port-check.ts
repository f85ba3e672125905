// Whether the API's address is free, asked before anything else starts: a busy port should cost the
// user one line, not a database start, a worker that joins and leaves, and a stack trace.
import net from 'node:net';

export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `port ${port} on ${host} is in use (another linernotes, or another program): stop it or set PORT to a free port`,
    );
  }
}

/**
 * Listens on the address for a moment and lets go. Another process may still take the port before
 * the server listens; the server's own listen error covers that rare race.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  // Port 0 means "any free port", which is always free.
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
