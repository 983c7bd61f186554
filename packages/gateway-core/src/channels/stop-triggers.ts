/**
 * Words that, sent alone by an authorised sender, stop the running turn as `/stop` does: the
 * reference's list (English, its short forms, and the other languages it knows).
 */
const STOP_WORDS: ReadonlySet<string> = new Set([
  'stop',
  'esc',
  'abort',
  'exit',
  'interrupt',
  'halt',
  'please stop',
  'stop please',
  'stop openclaw',
  'openclaw stop',
  'stop action',
  'stop current action',
  'stop run',
  'stop current run',
  'stop agent',
  'stop the agent',
  "stop don't do anything",
  'stop dont do anything',
  'stop do not do anything',
  'stop doing anything',
  'do not do that',
  // Spanish, French, German, Portuguese, Norwegian/Swedish
  'detente',
  'deten',
  'detén',
  'arrete',
  'arrête',
  'anhalten',
  'aufhören',
  'hoer auf',
  'stopp',
  'pare',
  // Chinese, Japanese, Hindi, Arabic, Russian
  '停止',
  '停下来',
  '暂停',
  'やめて',
  '止めて',
  'रुको',
  'توقف',
  'стоп',
  'остановись',
  'останови',
  'остановить',
  'прекрати',
]);

/** Punctuation a stop word may end with (`stop!`, `停止。`, `stop please.`). */
const TRAILING = /[.!?！？…,，。;；:：'"’”)\]}]+$/u;

/**
 * Whether a message is only a stop word (any case, runs of white space as one space, curly or
 * back quotes as `'`, trailing punctuation ignored), or `/stop` with trailing punctuation.
 */
export function isStopTrigger(text: string): boolean {
  const normal = text
    .trim()
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(TRAILING, '')
    .trim();
  return normal === '/stop' || STOP_WORDS.has(normal);
}
