// `npm start`: load configuration, migrate, serve. Configuration mistakes print one line and exit 1.
import { ClientsFileError } from './config/clients.js';
import { ConfigError, loadConfig } from './config/env.js';
import { lowerThreadPoolPriority } from './ops/thread-pool-priority.js';
import { startServer } from './server.js';

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  console.error(`Passerelle needs Node.js 22 or later, this is ${process.versions.node}: start it with npm start, which uses the Node 22 that npm install brought.`);
  process.exit(1);
}

try {
  const config = loadConfig();
  const running = await startServer(config);
  // The service's own process only (not a test's that starts a server in it).
  const niceness = config.THREAD_POOL_NICE;
  await lowerThreadPoolPriority(niceness).then(
    (threads) => {
      if (threads > 0) running.deps.log.info({ threads, niceness }, 'thread pool below the event loop');
      // A Node whose libuv names its threads otherwise: say that the setting did nothing.
      else if (niceness > 0 && process.platform === 'linux') running.deps.log.warn({ niceness }, 'THREAD_POOL_NICE: no libuv pool thread found, priorities unchanged');
    },
    (error: unknown) => running.deps.log.warn({ err: error }, 'could not lower the thread pool\'s priority'),
  );
  const shutdown = async (signal: string) => {
    running.deps.log.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof ClientsFileError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
