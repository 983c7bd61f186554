import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString, NoParams, Strict } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

export const ConfigGetResult = Strict(
  {
    path: NonEmptyString('Config file path.'),
    exists: Type.Boolean({ description: 'The file exists.' }),
    hash: NonEmptyString('Revision; pass as baseHash to write.'),
    config: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Effective config (defaults applied), secrets redacted.',
    }),
  },
  { $id: 'ConfigGetResult', description: 'The effective config.' },
);

export const configGet = defineMethod({
  name: 'config.get',
  description: 'The effective config, secrets redacted.',
  params: NoParams('ConfigGetParams'),
  result: ConfigGetResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const configSchema = defineMethod({
  name: 'config.schema',
  description: 'The JSON Schema of the config, with UI hints.',
  params: NoParams('ConfigSchemaParams'),
  result: Strict(
    {
      schema: Type.Unknown({ description: 'JSON Schema.' }),
      uiHints: Type.Record(Type.String(), Type.Unknown(), { description: 'Per-path hints.' }),
      version: NonEmptyString('Schema version.'),
      generatedAt: NonEmptyString('ISO time.'),
    },
    { $id: 'ConfigSchemaResult', description: 'Config schema.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const ConfigWriteResult = Strict(
  {
    ok: Type.Literal(true, { description: 'Written.' }),
    hash: NonEmptyString('New revision.'),
    applied: Type.Array(Type.String(), { description: 'Keys that took effect at once.' }),
    restartRequired: Type.Array(Type.String(), { description: 'Keys that take effect after a restart.' }),
  },
  { $id: 'ConfigWriteResult', description: 'Outcome of a config write.' },
);

export const configSet = defineMethod({
  name: 'config.set',
  description: 'Replace the whole config (JSON5 text). Validated first; the key path is named on error.',
  params: Strict(
    {
      raw: NonEmptyString('The new config, JSON5.', { maxLength: 1_000_000 }),
      baseHash: Type.Optional(NonEmptyString('Fail if the config changed since this revision.')),
    },
    { $id: 'ConfigSetParams', description: 'New config.' },
  ),
  result: ConfigWriteResult,
  scope: 'operator.admin',
  sideEffect: false,
});

export const configPatch = defineMethod({
  name: 'config.patch',
  description: 'Merge a JSON merge patch (JSON5 text) into the config. Validated first.',
  params: Strict(
    {
      raw: NonEmptyString('Merge patch, JSON5; null deletes a key.', { maxLength: 1_000_000 }),
      baseHash: Type.Optional(NonEmptyString('Fail if the config changed since this revision.')),
    },
    { $id: 'ConfigPatchParams', description: 'Patch.' },
  ),
  result: ConfigWriteResult,
  scope: 'operator.admin',
  sideEffect: false,
});

export const configMethods = [configGet, configSchema, configSet, configPatch] as const;

export type ConfigGetResult = Static<typeof ConfigGetResult>;
export type ConfigWriteResult = Static<typeof ConfigWriteResult>;
