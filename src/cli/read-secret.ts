// Reads a secret from standard input: without echo at a terminal, else the first line of the
// pipe (one read only, no confirmation prompt). Never from argv, which other users can see.
import { createInterface } from 'node:readline';

export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  output.write(prompt);
  const rl = createInterface({ input, terminal: true });
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {}; // no echo
  const line = await new Promise<string>((resolve) => rl.once('line', resolve));
  rl.close();
  output.write('\n');
  return line;
}
