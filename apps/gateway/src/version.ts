import pkg from '../package.json' with { type: 'json' };

export const GATEWAY_VERSION: string = pkg.version;
