import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ChannelAccountStatus } from '@openclaw/protocol';
import type { Command } from 'commander';
import qrcode from 'qrcode-terminal';
import type { CommandContext } from '../command-context.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { withSession } from '../session.ts';
import { paintState } from '../style.ts';
import { table } from '../table.ts';
import { relativeTime } from '../time.ts';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
};

/** States in which a just-started account is not working. */
const NOT_STARTED = new Set(['backoff', 'failed', 'needs-action', 'not-configured', 'disabled']);

/** `running`, or `backoff since 3s ago: connect ECONNREFUSED … → what to do`. */
function accountLine(a: ChannelAccountStatus): string {
  const state = a.healthState ?? (a.running ? 'running' : 'stopped');
  const since = a.failingSince ? ` since ${relativeTime(a.failingSince)}` : '';
  const error = a.lastError && state !== 'running' && state !== 'stopped' ? `: ${a.lastError}` : '';
  return `${state}${since}${error}${a.action ? ` → ${a.action}` : ''}`;
}

function probeText(p: ChannelAccountStatus['probe']): string {
  if (!p) return '-';
  if (!p.ok) return `FAIL ${p.error ?? ''}`.trim();
  return `ok ${p.elapsedMs} ms${p.self ? ` (${p.self.name ?? p.self.id})` : ''}`;
}

function drawQr(text: string): Promise<string> {
  return new Promise((resolve) => qrcode.generate(text, { small: true }, (q) => resolve(q)));
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('send')
    .description('send a message through a channel (queued durably, delivered once)')
    .requiredOption('--to <target>', 'chat, user, phone number or channel id on the platform')
    .option('--channel <channel>', 'telegram, slack, discord, signal, whatsapp, imessage')
    .option('--account <accountId>', 'account on that channel')
    .option('--message <text>', 'text to send')
    .option('--media <file>', 'attach a file')
    .option('--idempotency-key <key>', 'reuse a key to retry without sending twice')
    .action(
      async (
        o: {
          to: string;
          channel?: string;
          account?: string;
          message?: string;
          media?: string;
          idempotencyKey?: string;
        },
        cmd: Command,
      ) => {
        const out = ctx.output(cmd);
        if (!o.message && !o.media)
          throw new CliError('give --message and/or --media', { exitCode: ExitCodes.USAGE });
        const idempotencyKey = o.idempotencyKey ?? randomUUID();
        const params: Record<string, unknown> = { to: o.to, idempotencyKey };
        if (o.channel) params.channel = o.channel;
        if (o.account) params.accountId = o.account;
        if (o.message) params.message = o.message;
        if (o.media) {
          const data = await readFile(o.media).catch((error: unknown) => {
            throw new CliError(`cannot read ${o.media}: ${(error as Error).message}`, {
              exitCode: ExitCodes.USAGE,
            });
          });
          params.buffer = data.toString('base64');
          params.filename = basename(o.media);
          params.contentType = MIME[extname(o.media).toLowerCase()] ?? 'application/octet-stream';
        }
        if (!out.json)
          out.error(`idempotency key: ${idempotencyKey} (pass --idempotency-key to retry safely)`);
        await withSession(ctx.options(cmd), async (s) => {
          const r = await s.client.request('send', params as never);
          out.result(
            { ...r, idempotencyKey },
            () => `${r.status}: ${r.channel}/${r.accountId} → ${r.to} (message ${r.messageId})`,
          );
        });
      },
    );

  const channels = program.command('channels').description('chat-platform accounts');

  channels
    .command('status')
    .description('each account: state, since when it fails, last inbound, last error')
    .option('--probe', "check each account against its platform now (the adapter's probe, e.g. getMe)")
    .option('--timeout <ms>', 'budget of each probe', '5000')
    .action(async (o: { probe?: boolean; timeout: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const st = out.style;
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request(
          'channels.status',
          o.probe ? { probe: true, timeoutMs: Number(o.timeout) } : {},
          // The gateway waits for every probe (each within its budget) before it answers.
          { timeoutMs: Number(o.timeout) + 30_000 },
        );
        out.result(r, () => {
          const rows: (string | undefined)[][] = [];
          for (const ch of r.channelOrder) {
            for (const a of r.channelAccounts[ch] ?? []) {
              const state = a.healthState ?? (a.connected ? 'connected' : 'disconnected');
              const row = [
                ch,
                a.accountId,
                paintState(st, state, a.heldBy ? `${state} (${a.heldBy})` : state),
                a.failingSince ? relativeTime(a.failingSince) : '',
                relativeTime(a.lastInboundAt),
                String(a.queued ?? 0),
              ];
              if (o.probe) row.push(probeText(a.probe));
              row.push(a.action ? `${a.lastError ?? ''} → ${a.action}` : (a.lastError ?? ''));
              rows.push(row);
            }
          }
          const headers = ['CHANNEL', 'ACCOUNT', 'STATE', 'FAILING SINCE', 'LAST INBOUND', 'QUEUED'];
          if (o.probe) headers.push('PROBE');
          headers.push('LAST ERROR');
          return rows.length ? table(headers, rows, st) : 'no channels configured';
        });
      });
    });

  channels
    .command('start')
    .description('start (or restart) a channel account; prints its state once it has connected or failed')
    .argument('<channel>', 'telegram, slack, discord, signal, …')
    .option('--account <accountId>', 'one account (default: all of the channel)')
    .option('--wait <ms>', 'how long to wait for the account to leave "starting"', '10000')
    .action(async (channel: string, o: { account?: string; wait: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const params: { channel: string; accountId?: string; timeoutMs: number } = {
          channel,
          timeoutMs: Number(o.wait),
        };
        if (o.account) params.accountId = o.account;
        const r = await s.client.request('channels.start', params, { timeoutMs: Number(o.wait) + 30_000 });
        out.result(r, () =>
          r.accounts.map((a) => `${r.channel}/${a.accountId}: ${accountLine(a)}`).join('\n'),
        );
        // A script can tell "started" from "started but not working".
        if (r.accounts.some((a) => NOT_STARTED.has(a.healthState ?? '')))
          process.exitCode = ExitCodes.CHECK_FAILED;
      });
    });

  channels
    .command('stop')
    .description('stop a channel account')
    .argument('<channel>', 'telegram, slack, discord, signal, …')
    .option('--account <accountId>', 'one account (default: all of the channel)')
    .action(async (channel: string, o: { account?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const params: { channel: string; accountId?: string } = { channel };
        if (o.account) params.accountId = o.account;
        const r = await s.client.request('channels.stop', params);
        out.result(r, () =>
          r.accounts.map((a) => `${r.channel}/${a.accountId}: ${accountLine(a)}`).join('\n'),
        );
      });
    });

  channels
    .command('login')
    .description('link an account (WhatsApp: scan the QR code shown here)')
    .argument('<channel>', 'whatsapp')
    .option('--account <accountId>', 'account')
    .option('--wait <ms>', 'give up after this long', '180000')
    .action(async (channel: string, o: { account?: string; wait: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      if (channel !== 'whatsapp') {
        throw new CliError(`${channel} does not link by QR; configure its credentials in the config file`, {
          exitCode: ExitCodes.USAGE,
        });
      }
      await withSession(ctx.options(cmd), async (s) => {
        const base: { accountId?: string } = {};
        if (o.account) base.accountId = o.account;
        let state = await s.client.request('web.login.start', { ...base, timeoutMs: 30_000 });
        const deadline = Date.now() + Number(o.wait);
        let shown = '';
        // `connecting` comes between a scan and `linked`: keep waiting through it.
        while ((state.status === 'qr' || state.status === 'connecting') && Date.now() < deadline) {
          if (state.qr && state.qr !== shown) {
            shown = state.qr;
            if (!out.json) {
              process.stdout.write('\u001b[2J\u001b[H');
              out.line(await drawQr(state.qr));
              out.line(
                'Scan with WhatsApp → Linked devices → Link a device. The code refreshes as it rotates.',
              );
            }
          }
          const wait: { accountId?: string; timeoutMs: number; currentQrDataUrl?: string } = {
            ...base,
            timeoutMs: 30_000,
          };
          if (state.qrDataUrl) wait.currentQrDataUrl = state.qrDataUrl;
          state = await s.client.request('web.login.wait', wait, { timeoutMs: 40_000 });
        }
        out.result(state, () =>
          state.status === 'linked'
            ? `linked ${state.accountId}`
            : `not linked: ${state.status}${state.message ? ` (${state.message})` : ''}`,
        );
        if (state.status !== 'linked') process.exitCode = ExitCodes.CHECK_FAILED;
      });
    });

  channels
    .command('logout')
    .description('stop an account and forget its session')
    .argument('<channel>')
    .option('--account <accountId>', 'account')
    .action(async (channel: string, o: { account?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const params: { channel: string; accountId?: string } = { channel };
        if (o.account) params.accountId = o.account;
        const r = await s.client.request('channels.logout', params);
        out.result(r, () =>
          r.accounts.length
            ? `logged out ${channel} (${r.accounts.map((a) => a.accountId).join(', ')})`
            : `${channel} has no account to log out`,
        );
      });
    });

  const pairing = program.command('pairing').description('DM senders waiting for approval (pairing codes)');

  pairing
    .command('list')
    .argument('[channel]')
    .description('pending DM pairing requests')
    .action(async (channel: string | undefined, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('channels.pairing.list', channel ? { channel } : {});
        out.result(r, () =>
          r.requests.length
            ? table(
                ['CODE', 'CHANNEL', 'ACCOUNT', 'SENDER', 'EXPIRES'],
                r.requests.map((q) => [
                  q.requestId,
                  q.channel,
                  q.accountId,
                  q.senderLabel,
                  relativeTime(Date.parse(q.expiresAt)),
                ]),
                out.style,
              )
            : 'no pending pairing requests',
        );
      });
    });

  pairing
    .command('approve')
    .argument('<channel>')
    .argument('<code>')
    .option('--account <accountId>', 'account (default: the channel default)', 'default')
    .option('--notify', 'tell the sender')
    .description('approve a DM sender by the code they were given')
    .action(async (channel: string, code: string, o: { account: string; notify?: boolean }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const params: { channel: string; accountId: string; requestId: string; notify?: boolean } = {
          channel,
          accountId: o.account,
          requestId: code,
        };
        if (o.notify) params.notify = true;
        const r = await s.client.request('channels.pairing.approve', params);
        out.result(r, () => `approved sender ${r.senderId}`);
      });
    });
}
