import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../../common/api/lab-api';
import { IMPORT_CHUNK_BYTES } from '../../common/api/session';

/** Uploads open at once per lab (a window that starts many and finishes none cannot fill the disk). */
const MAX_OPEN = 4;

interface Upload {
  readonly name: string;
  readonly size: number;
  readonly file: FileHandle;
  readonly path: string;
  received: number;
}

/**
 * Session files a window sends in chunks (a dropped file, a browser's file picker): written to a
 * temporary file of the declared size, never more, then imported from there.
 */
export class SessionUploads {
  private nextId = 1;
  private dir: string | undefined;
  private readonly open = new Map<number, Upload>();

  async begin(name: string, size: number): Promise<number> {
    if (this.open.size >= MAX_OPEN) throw new LabError('busy', `at most ${MAX_OPEN} session uploads at a time`);
    this.dir ??= await mkdtemp(join(tmpdir(), 'edu-lab-uploads-'));
    const id = this.nextId++;
    const path = join(this.dir, `${id}.jsonl`);
    this.open.set(id, { name, size, file: await open(path, 'w'), path, received: 0 });
    return id;
  }

  async chunk(id: number, base64: string): Promise<number> {
    const upload = this.get(id);
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length > IMPORT_CHUNK_BYTES) throw new LabError('too-large', `chunks are limited to ${IMPORT_CHUNK_BYTES} bytes`);
    if (upload.received + bytes.length > upload.size) {
      await this.abort(id);
      throw new LabError('bad-request', `upload ${id} is larger than the ${upload.size} bytes announced`);
    }
    await upload.file.write(bytes);
    upload.received += bytes.length;
    return upload.received;
  }

  /** All of it arrived: the file's path and name (the caller imports it, then calls discard). */
  async finish(id: number): Promise<{ path: string; name: string }> {
    const upload = this.get(id);
    if (upload.received !== upload.size) {
      await this.abort(id);
      throw new LabError('bad-request', `upload ${id} ended after ${upload.received} of ${upload.size} bytes`);
    }
    await upload.file.close();
    this.open.delete(id);
    return { path: upload.path, name: upload.name };
  }

  async abort(id: number): Promise<void> {
    const upload = this.open.get(id);
    if (!upload) return;
    this.open.delete(id);
    await upload.file.close().catch(() => undefined);
    await rm(upload.path, { force: true });
  }

  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  async dispose(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.abort(id);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private get(id: number): Upload {
    const upload = this.open.get(id);
    if (!upload) throw new LabError('bad-request', `no session upload ${id}`);
    return upload;
  }
}
