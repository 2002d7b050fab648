import { exportSession, type ExportFormat } from '../../session/export';
import { importJsonl } from '../../session/import';
import type { RunIo } from './run';

export interface ConvertOptions {
  readonly input: string;
  readonly format: ExportFormat;
  readonly output: string;
  readonly from?: number;
  readonly to?: number;
}

/**
 * `edu-lab export`: read a saved session (checked line by line, nothing in it executed) and write it
 * in another format, optionally only a range of virtual time. Exit status 0, or 1 with one line
 * naming the problem (and the line of the session file, when the file is at fault).
 */
export async function convertSession(options: ConvertOptions, io: RunIo): Promise<number> {
  let session;
  try {
    session = await importJsonl(options.input);
  } catch (error) {
    io.stderr(`edu-lab: ${options.input}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const written = await exportSession(options.output, options.format, session.header, session.log.events(), { from: options.from, to: options.to });
    io.stderr(`edu-lab: wrote ${written} event${written === 1 ? '' : 's'} to ${options.output} (${options.format})\n`);
    return 0;
  } catch (error) {
    io.stderr(`edu-lab: cannot write ${options.output}: ${(error as Error).message}\n`);
    return 1;
  }
}
