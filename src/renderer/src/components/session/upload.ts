import { encodeBase64 } from '../../../../common/api/base64';
import { IMPORT_CHUNK_BYTES, type ReplayInfo } from '../../../../common/api/session';

/** What an upload needs of the lab (the LabApi's session import calls). */
export interface SessionImportApi {
  sessionImportBegin(name: string, size: number): Promise<number>;
  sessionImportChunk(id: number, base64: string): Promise<number>;
  sessionImportEnd(id: number): Promise<ReplayInfo>;
  sessionImportAbort(id: number): Promise<void>;
}

/** A file as the browser hands it over (File, or anything with its shape in tests). */
export interface SessionFile {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Send a session file to the lab in chunks (the same way in the desktop app and in a browser: the
 * window never hands the lab a path), then have it replayed. Progress goes to `onProgress` (0..1).
 * On any failure the upload is abandoned on the lab's side and the error is rethrown.
 */
export async function uploadSession(api: SessionImportApi, file: SessionFile, onProgress: (fraction: number) => void = () => {}): Promise<ReplayInfo> {
  const id = await api.sessionImportBegin(file.name.slice(0, 255), file.size);
  try {
    for (let at = 0; at < file.size; at += IMPORT_CHUNK_BYTES) {
      const bytes = new Uint8Array(await file.slice(at, Math.min(file.size, at + IMPORT_CHUNK_BYTES)).arrayBuffer());
      await api.sessionImportChunk(id, encodeBase64(bytes));
      onProgress(Math.min(1, (at + bytes.length) / file.size));
    }
  } catch (error) {
    await api.sessionImportAbort(id).catch(() => undefined);
    throw error;
  }
  return api.sessionImportEnd(id);
}
