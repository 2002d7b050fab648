import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../src/common/api/session';
import { http, serveLab, sleep } from './client';

describe('exports through the web host', () => {
  it('writes an export to a private folder and lets the window with the token download it', async () => {
    const { host, connect, lab } = await serveLab();
    const client = await connect();
    await client.until(() => client.follower.streams === 1, 'the snapshot');
    const job = (await client.call('sessionExport', { format: 'jsonl' })) as ExportJob;
    expect(job).toMatchObject({ state: 'running', download: null });
    let done: ExportJob | undefined;
    while (!(done = lab.exports.list().find((j) => j.id === job.id && j.state !== 'running'))) await sleep(10);
    expect(done).toMatchObject({ state: 'done', download: `/exports/${job.id}/${encodeURIComponent(job.file)}` });
    // The stream told the window too.
    await client.until(() => client.follower.messages.some((m) => m.exports?.some((j) => j.id === job.id && j.state === 'done')), 'the finished job');

    const ok = await http(host.port, `${done.download}?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-disposition']).toBe(`attachment; filename="${job.file}"`);
    expect(ok.body.split('\n')[0]).toMatch(/^\{"format":"edu-lab-session"/);
    expect(ok.body.trimEnd().split('\n')).toHaveLength(1 + done.written);
    expect((await http(host.port, done.download!)).status).toBe(403);
    expect((await http(host.port, `/exports/999/nothing.jsonl?token=${host.token}`)).status).toBe(404);
    expect((await http(host.port, `/exports/${job.id}/..%2F..%2Fetc%2Fpasswd?token=${host.token}`)).status).toBe(404);
  });
});
