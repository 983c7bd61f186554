import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { splitCommands } from '../state/commands.ts';
import { icon } from './icons.ts';

/** Put text on the clipboard: the Clipboard API, or a selected textarea where it is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } finally {
      area.remove();
    }
  }
}

/**
 * A small button that copies `text`, named for what it copies ("Copy request id"). It says
 * "Copied" for a moment (and to screen readers through its status).
 */
export class CopyButton extends LitElement {
  static override properties = {
    text: {},
    label: {},
    copied: { state: true },
    failed: { state: true },
  };

  declare text: string;
  /** What is copied, for the button's name: "request id", "command". */
  declare label: string;
  declare copied: boolean;
  declare failed: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.text = '';
    this.label = 'text';
    this.copied = false;
    this.failed = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  async #copy(): Promise<void> {
    const ok = await copyText(this.text);
    this.copied = ok;
    this.failed = !ok;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.copied = false;
      this.failed = false;
    }, 1800);
  }

  protected override render(): TemplateResult {
    return html`<button type="button" class="icon-button copy" data-copied=${this.copied ? 'true' : 'false'}
        aria-label=${`Copy ${this.label}`} title=${`Copy ${this.label}`} @click=${() => void this.#copy()}>
        ${icon(this.copied ? 'check' : 'copy')}
      </button><span class="visually-hidden" role="status">${
        this.copied ? `Copied ${this.label}` : this.failed ? 'Copy failed: select the text instead' : nothing
      }</span>`;
  }
}

customElements.define('oc-copy', CopyButton);

/** A value shown in monospace with its copy button: ids, codes, commands. */
export function copyable(
  text: string,
  label: string,
  options: { shown?: string; testId?: string; block?: boolean } = {},
): TemplateResult {
  return html`<span class="copyable ${options.block ? 'block' : ''}"
    ><code title=${text} data-testid=${options.testId ?? nothing}>${options.shown ?? text}</code
    ><oc-copy .text=${text} .label=${label}></oc-copy
  ></span>`;
}

/** A message from the gateway with each `openclaw …` command in it made copyable. */
export function withCommands(text: string): (TemplateResult | string)[] {
  return splitCommands(text).map((part) => (part.command ? copyable(part.text, 'command') : part.text));
}
