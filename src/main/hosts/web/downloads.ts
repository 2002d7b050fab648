import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { ExportFormat } from '../../../common/api/session';
import type { ExportDestination, ExportTarget } from '../../lab/export-jobs';

/** Where the browser fetches finished exports: /exports/ID/NAME. */
export const DOWNLOADS_PATH = '/exports/';

/**
 * The web host's export target: a browser cannot be handed a path, so exports go to a private
 * temporary folder and the window downloads them from the host (with its token, like every request).
 */
export class Downloads implements ExportTarget {
  private dir: Promise<string> | undefined;
  private readonly files = new Map<string, string>();

  async destination(_format: ExportFormat, suggestedName: string, jobId: number): Promise<ExportDestination> {
    this.dir ??= mkdtemp(join(tmpdir(), 'edu-lab-exports-'));
    const path = join(await this.dir, `${jobId}-${suggestedName}`);
    const download = `${DOWNLOADS_PATH}${jobId}/${encodeURIComponent(suggestedName)}`;
    this.files.set(download, path);
    return { path, file: suggestedName, download };
  }

  /** Send the file at `pathname` as an attachment; false when there is no such export (yet). */
  async serve(pathname: string, res: ServerResponse, headers: Record<string, string>, headOnly: boolean): Promise<boolean> {
    const path = this.files.get(pathname);
    if (!path) return false;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return false;
    const name = decodeURIComponent(pathname.slice(pathname.lastIndexOf('/') + 1));
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(info.size),
      'Content-Disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
    });
    if (headOnly) {
      res.end();
      return true;
    }
    createReadStream(path).on('error', () => res.destroy()).pipe(res);
    return true;
  }

  async dispose(): Promise<void> {
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }
}
