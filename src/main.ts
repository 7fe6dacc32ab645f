// `npm start`: load configuration, migrate, serve. Configuration mistakes print one line and exit 1.
import { ClientsFileError } from './config/clients.js';
import { ConfigError, loadConfig } from './config/env.js';
import { releaseMemoryWhenIdle } from './ops/idle-memory-release.js';
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
  await lowerThreadPoolPriority(config.THREAD_POOL_NICE, running.deps.log)
    .catch((error: unknown) => running.deps.log.warn({ err: error }, 'could not lower the thread pool\'s priority'));
  const memoryRelease = releaseMemoryWhenIdle(config.IDLE_MEMORY_RELEASE_S, running.deps.log);
  const shutdown = async (signal: string) => {
    running.deps.log.info({ signal }, 'shutting down');
    memoryRelease.stop();
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
