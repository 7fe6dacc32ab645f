// Runs one of our entry points as its own process, as an operator would.
import { spawn } from 'node:child_process';
import path from 'node:path';

const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');

export interface CommandResult { code: number | null; stdout: string; stderr: string }

export function runEntryPoint(script: string, args: string[], env: Record<string, string>, stdin?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, script, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(stdin ?? '');
  });
}

export const admin = (args: string[], env: Record<string, string>, stdin?: string) => runEntryPoint('src/cli/admin.ts', args, env, stdin);
