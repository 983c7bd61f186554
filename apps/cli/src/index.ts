export { ExitCodes } from './errors.ts';
export { createProgram, run } from './program.ts';
