// Whether tests may make memory cgroups (Linux, as root), as the bench's `--memory-limit` does.
// In CI they must: a machine that cannot fails the run instead of silently skipping those tests.
import { createMemoryLimit } from '../bench/memory-limit.js';

export function canLimitMemory(): boolean {
  try {
    createMemoryLimit(64, `passerelle-probe-${process.pid}`).remove();
    return true;
  } catch (error) {
    if (process.env['CI']) throw error;
    console.warn(`memory cgroups unavailable, skipping the tests that need one (set CI=true to make this an error): ${(error as Error).message}`);
    return false;
  }
}
