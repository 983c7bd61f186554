import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { baileysLogger } from './logger.ts';

describe('baileysLogger', () => {
  it('writes each key once under an account logger that binds component (issue 22)', () => {
    const lines: string[] = [];
    const root = pino({ base: null }, { write: (l: string) => void lines.push(l) });
    const account = root
      .child({ component: 'channels' })
      .child({ channel: 'whatsapp', accountId: 'default' });
    const b = baileysLogger(account);
    b.warn({ attrs: { id: 1 } }, 'stream errored');
    b.child({ class: 'socket' }).error('connection closed');
    b.info('ignored below warn');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.match(/"component":/g)).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({ component: 'channels', lib: 'baileys', level: 40 });
    }
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ class: 'socket', msg: 'connection closed' });
  });
});
