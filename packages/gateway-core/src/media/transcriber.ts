import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GatewayConfig, redactUrlPassword } from '@openclaw/protocol';

/** Turns a voice note into text. */
export interface Transcriber {
  transcribe(audio: { bytes: Uint8Array; mimeType: string; fileName: string }): Promise<string>;
}

export class TranscriptionError extends Error {
  override name = 'TranscriptionError';
  readonly code = 'TRANSCRIPTION_FAILED';
}

/**
 * OpenAI-compatible `POST {baseUrl}/audio/transcriptions` (multipart: file, model) answering
 * `{text}`. Settings are read per call, so a config change applies to the next voice note. Returns
 * undefined when no transcription model is configured.
 */
export function configuredTranscriber(
  config: () => GatewayConfig,
  stateDir: string | undefined,
): () => Transcriber | undefined {
  const transcriber: Transcriber = {
    async transcribe(audio) {
      const cfg = config();
      const t = cfg.media.transcription;
      const baseUrl = (t.baseUrl ?? cfg.agent.openai.baseUrl).replace(/\/+$/, '');
      const key = await apiKey(t.apiKeyEnv, t.apiKeyFile ?? cfg.agent.openai.apiKeyFile, stateDir);
      const form = new FormData();
      form.append('model', t.model);
      form.append('file', new Blob([new Uint8Array(audio.bytes)], { type: audio.mimeType }), audio.fileName);
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/audio/transcriptions`, {
          method: 'POST',
          body: form,
          headers: key ? { authorization: `Bearer ${key}` } : {},
          signal: AbortSignal.timeout(t.timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new TranscriptionError(
          `transcription server unreachable at ${redactUrlPassword(baseUrl)}: ${cause}`,
        );
      }
      if (!res.ok) throw new TranscriptionError(`the transcription server answered ${res.status}`);
      const body = (await res.json().catch(() => undefined)) as { text?: unknown } | undefined;
      if (typeof body?.text !== 'string')
        throw new TranscriptionError('the transcription server sent no text');
      return body.text.trim();
    },
  };
  return () => (config().media.transcription.model ? transcriber : undefined);
}

async function apiKey(env: string, file: string | undefined, stateDir: string | undefined) {
  const fromEnv = process.env[env]?.trim();
  if (fromEnv) return fromEnv;
  const path = file ?? (stateDir ? join(stateDir, 'agent-api-key') : undefined);
  if (!path) return undefined;
  return (await readFile(path, 'utf8').catch(() => '')).trim() || undefined;
}
