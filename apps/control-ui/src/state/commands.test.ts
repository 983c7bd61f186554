import { describe, expect, it } from 'vitest';
import { splitCommands } from './commands.ts';

describe('commands in gateway messages', () => {
  it('finds the command that ends an instruction', () => {
    expect(
      splitCommands(
        'set channels.slack.botToken to the Bot User OAuth Token (xoxb-…), then run: openclaw channels start slack',
      ),
    ).toEqual([
      {
        text: 'set channels.slack.botToken to the Bot User OAuth Token (xoxb-…), then run: ',
        command: false,
      },
      { text: 'openclaw channels start slack', command: true },
    ]);
    expect(splitCommands('run openclaw channels login whatsapp.')).toEqual([
      { text: 'run ', command: false },
      { text: 'openclaw channels login whatsapp', command: true },
      { text: '.', command: false },
    ]);
    expect(splitCommands('then run `openclaw doctor`, or restart')).toEqual([
      { text: 'then run `', command: false },
      { text: 'openclaw doctor', command: true },
      { text: '`, or restart', command: false },
    ]);
    expect(splitCommands('to fix it, run openclaw doctor, or restart')).toEqual([
      { text: 'to fix it, run ', command: false },
      { text: 'openclaw doctor', command: true },
      { text: ', or restart', command: false },
    ]);
  });

  it('leaves text without a command, or with the word in the middle of prose, alone', () => {
    expect(splitCommands('check the token')).toEqual([{ text: 'check the token', command: false }]);
    expect(splitCommands('')).toEqual([]);
    expect(splitCommands('the openclaw gateway holds it elsewhere now')).toEqual([
      { text: 'the openclaw gateway holds it elsewhere now', command: false },
    ]);
  });
});
