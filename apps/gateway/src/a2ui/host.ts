// The A2UI host page's script (bundled for the browser): renders A2UI v0.9 messages pushed to it
// through window.openclawA2ui, one <a2ui-surface> per surface.
import { A2uiSurface, basicCatalog } from '@a2ui/lit/v0_9';
import { MessageProcessor } from '@a2ui/web_core/v0_9';

// Referenced so the bundler keeps the module that registers <a2ui-surface>.
void A2uiSurface;

type Messages = Parameters<MessageProcessor<never>['processMessages']>[0];

interface HostApi {
  /** Process A2UI messages; returns the ids of the surfaces on the page. */
  push(messages: unknown): string[];
  /** Remove every surface. */
  reset(): void;
  surfaces(): string[];
}

const container = document.getElementById('surfaces') ?? document.body;
const elements = new Map<string, HTMLElement>();
let processor = create();

function create() {
  const p = new MessageProcessor([basicCatalog] as never);
  p.onSurfaceCreated((surface: { id: string }) => {
    const el = document.createElement('a2ui-surface') as HTMLElement & { surface: unknown };
    el.surface = surface;
    el.dataset.surfaceId = surface.id;
    container.append(el);
    elements.set(surface.id, el);
  });
  p.onSurfaceDeleted((id: string) => {
    elements.get(id)?.remove();
    elements.delete(id);
  });
  return p;
}

const api: HostApi = {
  push(messages) {
    const list = Array.isArray(messages) ? messages : [messages];
    processor.processMessages(list as Messages);
    return [...elements.keys()];
  },
  reset() {
    for (const el of elements.values()) el.remove();
    elements.clear();
    processor = create();
  },
  surfaces: () => [...elements.keys()],
};

(window as unknown as { openclawA2ui: HostApi }).openclawA2ui = api;
document.documentElement.dataset.a2uiReady = 'true';
