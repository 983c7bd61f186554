import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { shortId } from '../ids.ts';
import { deviceRequestId, pairedDeviceId } from '../lookup.ts';
import { distinctNames } from '../names.ts';
import { count } from '../plural.ts';
import { withSession } from '../session.ts';
import { table } from '../table.ts';
import { relativeTime } from '../time.ts';

/** `operator, scopes operator.read, operator.write` — only the parts that are there. */
function roleAndScopes(roles: readonly string[], scopes: readonly string[]): string {
  const parts = [roles.join(', ')];
  if (scopes.length) parts.push(`scopes ${scopes.join(', ')}`);
  return parts.filter(Boolean).join('; ');
}

export function register(program: Command, ctx: CommandContext): void {
  const devices = program.command('devices').description('paired devices and pairing requests');

  devices
    .command('list')
    .description('pending requests and paired devices, with role, scopes and last seen')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const st = out.style;
      await withSession(ctx.options(cmd), async (s) => {
        const list = await s.client.request('device.pair.list');
        out.result(list, () => {
          const names = distinctNames([
            ...list.paired.map((d) => ({
              id: d.deviceId,
              name: d.displayName ?? d.clientId,
              platform: d.platform,
            })),
            ...list.pending
              .filter((p) => !list.paired.some((d) => d.deviceId === p.deviceId))
              .map((p) => ({ id: p.deviceId, name: p.displayName ?? p.clientId, platform: p.platform })),
          ]);
          const lines: string[] = [];
          if (list.pending.length) {
            lines.push(st('bold', 'Pending requests'));
            lines.push(
              table(
                ['REQUEST', 'DEVICE', 'NAME', 'ROLE', 'SCOPES', 'FROM', 'ASKED'],
                [...list.pending]
                  .sort((a, b) => b.ts - a.ts)
                  .map((p) => [
                    p.requestId,
                    shortId(p.deviceId),
                    names.get(p.deviceId),
                    p.role,
                    (p.scopes ?? []).join(','),
                    p.remoteIp,
                    relativeTime(p.ts),
                  ]),
                st,
              ),
              '',
            );
          } else lines.push('No pending requests.', '');
          if (list.paired.length === 0) {
            lines.push('No paired devices.');
            return lines;
          }
          lines.push(st('bold', 'Paired devices'));
          lines.push(
            table(
              ['DEVICE', 'NAME', 'ROLES', 'SCOPES', 'LAST SEEN', 'CONNECTED'],
              list.paired.map((d) => [
                shortId(d.deviceId),
                names.get(d.deviceId),
                d.roles.join(','),
                d.scopes.join(','),
                relativeTime(d.lastSeenAtMs),
                d.connected ? st('green', 'yes') : 'no',
              ]),
              st,
            ),
          );
          return lines;
        });
      });
    });

  devices
    .command('approve')
    .description('approve a pending request (or the newest with --latest)')
    .argument('[requestId]', 'the request id shown by `devices list` (a unique start of it is enough)')
    .option('--latest', 'approve the most recent pending request')
    .action(async (requestId: string | undefined, o: { latest?: boolean }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        let id = requestId === undefined ? undefined : await deviceRequestId(s.client, requestId);
        if (!id && o.latest) {
          const list = await s.client.request('device.pair.list');
          id = [...list.pending].sort((a, b) => b.ts - a.ts)[0]?.requestId;
          if (!id) throw new CliError('no pending requests', { exitCode: ExitCodes.ERROR });
        }
        if (!id) throw new CliError('give a request id, or --latest', { exitCode: ExitCodes.USAGE });
        const r = await s.client.request('device.pair.approve', { requestId: id });
        const d = r.device;
        out.result(
          r,
          () =>
            `approved ${d.displayName ?? d.clientId ?? 'device'} (device ${shortId(d.deviceId)}; ${roleAndScopes(d.roles, d.scopes)})`,
        );
      });
    });

  devices
    .command('reject')
    .description('reject a pending request')
    .argument('<requestId>', 'the request id shown by `devices list` (a unique start of it is enough)')
    .action(async (requestId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const id = await deviceRequestId(s.client, requestId);
        const r = await s.client.request('device.pair.reject', { requestId: id });
        out.result(r, () => `rejected request ${r.requestId} (device ${shortId(r.deviceId)})`);
      });
    });

  devices
    .command('remove')
    .description('forget a paired device (its tokens stop working, its sockets close)')
    .argument('<deviceId>', 'as `devices list` shows it (a unique start of it is enough)')
    .action(async (input: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const deviceId = await pairedDeviceId(s.client, input);
        const r = await s.client.request('device.pair.remove', { deviceId });
        out.result(r, () =>
          r.removed ? `removed device ${shortId(deviceId)}` : `no paired device ${shortId(deviceId)}`,
        );
        if (!r.removed) process.exitCode = ExitCodes.ERROR;
      });
    });

  devices
    .command('rename')
    .description('set a device label')
    .argument('<deviceId>', 'as `devices list` shows it (a unique start of it is enough)')
    .argument('<label>')
    .action(async (input: string, label: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const deviceId = await pairedDeviceId(s.client, input);
        const r = await s.client.request('device.pair.rename', { deviceId, label });
        out.result(r, () => `renamed device ${shortId(deviceId)} to ${r.label}`);
      });
    });

  devices
    .command('rotate')
    .description('replace a device token (the old one stops working at once)')
    .argument('<deviceId>', 'as `devices list` shows it (a unique start of it is enough)')
    .option('--role <role>', 'token role', 'operator')
    .option('--token-scopes <list>', 'narrow the new token to these scopes (comma separated)')
    .action(async (input: string, o: { role: string; tokenScopes?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const deviceId = await pairedDeviceId(s.client, input);
        const params: { deviceId: string; role: string; scopes?: string[] } = { deviceId, role: o.role };
        if (o.tokenScopes) params.scopes = o.tokenScopes.split(',').map((x) => x.trim());
        const r = await s.client.request('device.token.rotate', params);
        out.result(r, () =>
          r.tokenDelivery === 'in-band'
            ? `rotated this device's ${r.role} token (stored)`
            : `rotated the ${r.role} token of device ${shortId(deviceId)}; it must re-pair with the gateway token to get the new one`,
        );
      });
    });

  devices
    .command('revoke')
    .description('revoke a device token (its live sockets close)')
    .argument('<deviceId>', 'as `devices list` shows it (a unique start of it is enough)')
    .option('--role <role>', 'token role', 'operator')
    .action(async (input: string, o: { role: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const deviceId = await pairedDeviceId(s.client, input);
        const r = await s.client.request('device.token.revoke', { deviceId, role: o.role });
        out.result(r, () =>
          r.revoked
            ? `revoked the ${o.role} token of device ${shortId(deviceId)} (${count(r.closedConnections, 'connection')} closed)`
            : `device ${shortId(deviceId)} has no ${o.role} token`,
        );
        if (!r.revoked) process.exitCode = ExitCodes.ERROR;
      });
    });
}
