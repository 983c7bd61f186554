import { useCompileCache } from './compile-cache.ts';

// Before the rest of the CLI is loaded, so its compiled code comes from (and goes to) the cache.
useCompileCache();
const { run } = await import('./program.ts');
const code = await run(process.argv);
// Long-running commands (gateway run, logs --follow) keep the process alive on their own.
if (code !== 0) process.exit(code);
