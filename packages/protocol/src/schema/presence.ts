import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString, TimestampMs } from './primitives.ts';

const Str = (description: string) => Type.Optional(NonEmptyString(description));

export const PresenceEntry = Type.Object(
  {
    host: Str('Host or display name the client reported.'),
    ip: Str('Peer address the gateway saw.'),
    version: Str('Client version.'),
    platform: Str('Client platform (linux, macos, ios, browser, …).'),
    deviceFamily: Str('Device family, when reported.'),
    modelIdentifier: Str('Hardware model, when reported.'),
    mode: Str('Client mode (cli, ui, node, …).'),
    reason: Str('Why this entry last changed (connect, disconnect, …).'),
    tags: Type.Optional(
      Type.Array(NonEmptyString('A tag.'), {
        description: 'Free-form tags: `role:<role>`, `client:<id>`, `gateway:<id>` in a cluster.',
      }),
    ),
    text: Type.Optional(Type.String({ description: 'One-line human summary.' })),
    ts: TimestampMs('When this entry was last updated.'),
    onlineSince: Type.Optional(TimestampMs('When the device first connected in this stretch.')),
    lastActivityAt: Type.Optional(TimestampMs('Last frame seen from the device.')),
    deviceId: Str('Device identity (hex SHA-256 of its public key).'),
    roles: Type.Optional(
      Type.Array(NonEmptyString('A role.'), { description: 'Roles the device is connected as.' }),
    ),
    scopes: Type.Optional(
      Type.Array(NonEmptyString('A scope.'), { description: 'Union of granted scopes.' }),
    ),
    instanceId: Str('Client instance id, when reported.'),
  },
  {
    $id: 'PresenceEntry',
    additionalProperties: false,
    description: 'One connected device. A device connected as operator and node is one entry.',
  },
);
export type PresenceEntry = Static<typeof PresenceEntry>;

export const PresenceList = Type.Array(PresenceEntry, {
  $id: 'PresenceList',
  description: 'Every connected device, one entry each.',
});
export type PresenceList = Static<typeof PresenceList>;
