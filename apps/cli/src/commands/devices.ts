import type { Command } from 'commander';
import { CliError, ExitCodes } from '../errors.ts';
import { ago, table } from '../output.ts';
import type { CommandContext } from '../program.ts';
import { withSession } from '../session.ts';

const short = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id);

export function register(program: Command, ctx: CommandContext): void {
  const devices = program.command('devices').description('paired devices and pairing requests');

  devices
    .command('list')
    .description('pending requests and paired devices, with role, scopes and last seen')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const list = await s.client.request('device.pair.list');
        out.result(list, () => {
          const lines: string[] = [];
          lines.push(list.pending.length ? 'Pending requests:' : 'No pending requests.');
          if (list.pending.length) {
            lines.push(
              table(
                ['REQUEST', 'DEVICE', 'NAME', 'ROLE', 'SCOPES', 'FROM', 'ASKED'],
                list.pending.map((p) => [
                  p.requestId,
                  short(p.deviceId),
                  p.displayName ?? p.clientId,
                  p.role,
                  (p.scopes ?? []).join(','),
                  p.remoteIp,
                  ago(p.ts),
                ]),
              ),
            );
          }
          lines.push('', 'Paired devices:');
          lines.push(
            table(
              ['DEVICE', 'NAME', 'ROLES', 'SCOPES', 'LAST SEEN', 'CONNECTED'],
              list.paired.map((d) => [
                short(d.deviceId),
                d.displayName ?? d.clientId,
                d.roles.join(','),
                d.scopes.join(','),
                ago(d.lastSeenAtMs),
                d.connected ? 'yes' : 'no',
              ]),
            ),
          );
          return lines;
        });
      });
    });

  devices
    .command('approve')
    .description('approve a pending request (or the newest with --latest)')
    .argument('[requestId]', 'the request id shown by `devices list`')
    .option('--latest', 'approve the most recent pending request')
    .action(async (requestId: string | undefined, o: { latest?: boolean }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        let id = requestId;
        if (!id && o.latest) {
          const list = await s.client.request('device.pair.list');
          id = [...list.pending].sort((a, b) => b.ts - a.ts)[0]?.requestId;
          if (!id) throw new CliError('no pending requests', { exitCode: ExitCodes.ERROR });
        }
        if (!id) throw new CliError('give a request id, or --latest', { exitCode: ExitCodes.USAGE });
        const r = await s.client.request('device.pair.approve', { requestId: id });
        out.result(
          r,
          () =>
            `approved ${r.device.displayName ?? r.device.deviceId} (${r.device.roles.join(',')}; ${r.device.scopes.join(',')})`,
        );
      });
    });

  devices
    .command('reject')
    .description('reject a pending request')
    .argument('<requestId>')
    .action(async (requestId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('device.pair.reject', { requestId });
        out.result(r, () => `rejected ${r.requestId} (device ${short(r.deviceId)})`);
      });
    });

  devices
    .command('remove')
    .description('forget a paired device (its tokens stop working, its sockets close)')
    .argument('<deviceId>')
    .action(async (deviceId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('device.pair.remove', { deviceId });
        out.result(r, () => (r.removed ? `removed ${deviceId}` : `no such device ${deviceId}`));
        if (!r.removed) process.exitCode = ExitCodes.ERROR;
      });
    });

  devices
    .command('rename')
    .description('set a device label')
    .argument('<deviceId>')
    .argument('<label>')
    .action(async (deviceId: string, label: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('device.pair.rename', { deviceId, label });
        out.result(r, () => `renamed ${short(deviceId)} to ${r.label}`);
      });
    });

  devices
    .command('rotate')
    .description('replace a device token (the old one stops working at once)')
    .argument('<deviceId>')
    .option('--role <role>', 'token role', 'operator')
    .option('--token-scopes <list>', 'narrow the new token to these scopes (comma separated)')
    .action(async (deviceId: string, o: { role: string; tokenScopes?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const params: { deviceId: string; role: string; scopes?: string[] } = { deviceId, role: o.role };
        if (o.tokenScopes) params.scopes = o.tokenScopes.split(',').map((x) => x.trim());
        const r = await s.client.request('device.token.rotate', params);
        out.result(r, () =>
          r.tokenDelivery === 'in-band'
            ? `rotated this device's ${r.role} token (stored)`
            : `rotated ${short(deviceId)}'s ${r.role} token; the device must re-pair with the gateway token to get the new one`,
        );
      });
    });

  devices
    .command('revoke')
    .description('revoke a device token (its live sockets close)')
    .argument('<deviceId>')
    .option('--role <role>', 'token role', 'operator')
    .action(async (deviceId: string, o: { role: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('device.token.revoke', { deviceId, role: o.role });
        out.result(r, () =>
          r.revoked ? `revoked (${r.closedConnections} connection(s) closed)` : 'no such token',
        );
        if (!r.revoked) process.exitCode = ExitCodes.ERROR;
      });
    });
}
