import { LAB_METHOD_NAMES, toLabError, type LabApi } from '../../../common/api/lab-api';
import type { LabConnection } from '../../../common/api/stream';
import { WebLabClient, webLab, webSocketUrl } from './web-client';

export type Lab = LabApi & LabConnection;

declare global {
  interface Window {
    /** Set by Electron's preload, or by connectLab() in a browser. */
    lab?: Lab;
  }
}

/**
 * The window's lab: Electron's preload has put it on `window.lab`; in a browser we connect to the web
 * host that served this page and put it there too. The rest of the renderer never knows which.
 */
export function connectLab(): Lab {
  if (!window.lab) window.lab = webLab(new WebLabClient(webSocketUrl(window.location)));
  return withLabErrors(window.lab);
}

/** Every failed call rejects with a LabError, whatever the transport delivered. */
function withLabErrors(lab: Lab): Lab {
  const wrapped: Record<string, unknown> = { host: lab.host, onStream: lab.onStream, resync: lab.resync, ack: lab.ack };
  for (const method of LAB_METHOD_NAMES) {
    const fn = lab[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) =>
      fn(...args).catch((error: unknown) => {
        throw toLabError(error);
      });
  }
  return wrapped as unknown as Lab;
}
