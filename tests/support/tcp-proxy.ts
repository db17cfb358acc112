import { type AddressInfo, type Server, type Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy in front of a database server, to stage an outage without stopping the real one
 * (other test files share it). `down()` cuts every open connection and refuses new ones, as a
 * stopped server does (ECONNREFUSED: nothing listens on the port); `up()` listens again on the
 * same port. `replyDelay_ms` holds each chunk from the server that long, as a slow network would: a
 * query's answer then arrives well after the database read it.
 */
export async function startTcpProxy(target: { host: string; port: number }, options: { replyDelay_ms?: number } = {}) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  function track(socket: Socket) {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  async function listen() {
    const next = createServer((client) => {
      const upstream = createConnection(target);
      track(client);
      track(upstream);
      client.pipe(upstream);
      if (options.replyDelay_ms) {
        upstream.on('data', (chunk: Buffer) => {
          setTimeout(() => client.writable && client.write(chunk), options.replyDelay_ms);
        });
      } else {
        upstream.pipe(client);
      }
      // Either side failing ends both, the way a cable pulled out would.
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  }

  await listen();

  return {
    get port() {
      return port;
    },
    /** How many client and server sockets are open through the proxy. */
    get openSockets() {
      return sockets.size;
    },
    /** Cuts every connection and stops listening. */
    async down() {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    /** Listens again on the same port. */
    async up() {
      if (!server) await listen();
    },
    close() {
      return this.down();
    },
  };
}
