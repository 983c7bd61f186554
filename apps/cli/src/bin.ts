import { run } from './program.ts';

const code = await run(process.argv);
// Long-running commands (gateway run, logs --follow) keep the process alive on their own.
if (code !== 0) process.exit(code);
