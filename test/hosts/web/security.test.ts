import { connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEB_API_PATH } from '../../../src/common/api/wire';
import { defaultUserland } from '../../../src/main/guest/userland';
import { parseArgs } from '../../../src/main/hosts/cli/args';
import { serve } from '../../../src/main/hosts/web/serve';
import { WebHost } from '../../../src/main/hosts/web/server';
import { testWorkers } from '../../support/workers';
import { ASSET_JS, http, INDEX_HTML, RefusedUpgrade, serveLab, TestClient } from './client';

/**
 * The web host's doors: loopback only, the per-run token on every request (in the URL once, then as a
 * cookie), static files only from the renderer directory, WebSocket upgrades only from the page's own
 * origin, and security headers on every answer.
 */

const COOKIE = 'edu_lab_token';

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
}

/** Whether anything accepts a TCP connection at host:port. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('web host: HTTP', () => {
  it('refuses requests without the token (403), with a wrong one too', async () => {
    const { host } = await serveLab();
    for (const path of ['/', '/index.html', '/assets/app.js', '/?token=', `/?token=${host.token.slice(1)}`, `/?token=${host.token}x`, '/api']) {
      const r = await http(host.port, path);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
      expect(r.body).toMatch(/needs the token/);
      expect(r.body).not.toContain(host.token);
      expect(r.headers['set-cookie']).toBeUndefined();
      expectSecurityHeaders(r.headers);
    }
    // A wrong cookie is no better, and a right cookie does not rescue a wrong token in the URL.
    expect((await http(host.port, '/', { headers: { Cookie: `${COOKIE}=nope` } })).status).toBe(403);
    expect((await http(host.port, '/?token=nope', { headers: { Cookie: `${COOKIE}=${host.token}` } })).status).toBe(403);
  });

  it('serves the renderer with ?token= (setting the cookie) and then with the cookie alone', async () => {
    const { host } = await serveLab();
    const first = await http(host.port, `/?token=${host.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toBe(INDEX_HTML);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expectSecurityHeaders(first.headers);
    const cookie = first.headers['set-cookie']!;
    expect(cookie).toHaveLength(1);
    expect(cookie[0]).toBe(`${COOKIE}=${host.token}; HttpOnly; SameSite=Strict; Path=/`);

    const jar = { Cookie: `other=1; ${COOKIE}=${host.token}` };
    const asset = await http(host.port, '/assets/app.js', { headers: jar });
    expect(asset).toMatchObject({ status: 200, body: ASSET_JS });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['set-cookie']).toBeUndefined();
    expectSecurityHeaders(asset.headers);
    expect((await http(host.port, '/', { headers: jar })).body).toBe(INDEX_HTML);
    expect((await http(host.port, '/index.html', { headers: jar })).status).toBe(200);
    const head = await http(host.port, '/assets/app.js', { method: 'HEAD', headers: jar });
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 for anything outside the renderer directory, however it is spelled', async () => {
    const { host, root } = await serveLab();
    const jar = { Cookie: `${COOKIE}=${host.token}` };
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//secret.txt',
      `/${root}/../secret.txt`,
      `${root}/../secret.txt`,
      '/etc/passwd',
      '/%00',
      '/index.html%00.js',
      '/%',
      '/assets',
      '/assets/',
      '/nope.html',
    ];
    for (const path of attempts) {
      const r = await http(host.port, path, { headers: jar });
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.body).not.toContain('not for the browser');
      expectSecurityHeaders(r.headers);
    }
  });

  it('serves the same files, and no others, when the renderer directory is given unnormalized or relative', async () => {
    const { lab, root } = await serveLab();
    for (const rendererRoot of [`${root}/../renderer/./`, relative(process.cwd(), root)]) {
      const host = await WebHost.start({ lab, rendererRoot, port: 0 });
      try {
        const jar = { Cookie: `${COOKIE}=${host.token}` };
        expect({ rendererRoot, status: (await http(host.port, '/assets/app.js', { headers: jar })).status }).toEqual({ rendererRoot, status: 200 });
        expect((await http(host.port, '/', { headers: jar })).body).toBe(INDEX_HTML);
        expect((await http(host.port, '/../secret.txt', { headers: jar })).status).toBe(404);
        expect((await http(host.port, '/%2e%2e/secret.txt', { headers: jar })).status).toBe(404);
      } finally {
        await host.close();
      }
    }
  });

  it('allows GET and HEAD only (405)', async () => {
    const { host } = await serveLab();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const withCookie = await http(host.port, '/', { method, headers: { Cookie: `${COOKIE}=${host.token}` } });
      expect({ method, status: withCookie.status }).toEqual({ method, status: 405 });
      expectSecurityHeaders(withCookie.headers);
      expect((await http(host.port, `/?token=${host.token}`, { method })).status).toBe(405);
      expect((await http(host.port, '/', { method })).status).toBe(405);
    }
  });
});

describe('web host: WebSocket upgrades', () => {
  it('refuses an upgrade without the token, with a wrong one, or elsewhere than the API path', async () => {
    const { host, origin } = await serveLab();
    const base = `ws://127.0.0.1:${host.port}`;
    for (const url of [`${base}${WEB_API_PATH}`, `${base}${WEB_API_PATH}?token=wrong`, `${base}${WEB_API_PATH}?token=`, `${base}/?token=${host.token}`, `${base}/api/x?token=${host.token}`, `${base}//x${WEB_API_PATH}?token=${host.token}`]) {
      const error = await TestClient.connect(url).then(
        (c) => (c.close(), new Error(`accepted ${url}`)),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RefusedUpgrade);
      expect((error as RefusedUpgrade).status).toBe(403);
    }
    // The page's own origin is not enough without the token.
    await expect(TestClient.connect(`${base}${WEB_API_PATH}`, { origin })).rejects.toMatchObject({ status: 403, body: /missing or wrong token/ });
    await expect(TestClient.connect(`${base}${WEB_API_PATH}`, { origin, headers: { Cookie: `${COOKIE}=wrong` } })).rejects.toMatchObject({ status: 403 });
  });

  it('refuses an upgrade from a foreign origin even with the token', async () => {
    const { host, wsUrl } = await serveLab();
    const foreign = ['http://evil.example', `http://localhost:${host.port}`, `https://127.0.0.1:${host.port}`, `http://127.0.0.1:${host.port + 1}`, 'null', 'file://'];
    for (const origin of foreign) {
      const error = await TestClient.connect(wsUrl, { origin }).then(
        (c) => (c.close(), new Error(`accepted origin ${origin}`)),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RefusedUpgrade);
      expect(error).toMatchObject({ status: 403, body: expect.stringContaining('foreign origin') });
    }
    // With the cookie too.
    await expect(
      TestClient.connect(`ws://127.0.0.1:${host.port}${WEB_API_PATH}`, { origin: 'http://evil.example', headers: { Cookie: `${COOKIE}=${host.token}` } }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("accepts the page's own origin with the cookie (as a browser connects), and a tool with the token", async () => {
    const { host, origin, wsUrl } = await serveLab();
    const browser = await TestClient.connect(`ws://127.0.0.1:${host.port}${WEB_API_PATH}`, { origin, headers: { Cookie: `${COOKIE}=${host.token}` } });
    await browser.until(() => browser.follower.streams === 1, 'the first snapshot');
    expect(await browser.call('readConfig', 0, 4)).toBe(0x11e81234);
    browser.close();
    const tool = await TestClient.connect(wsUrl);
    expect((await tool.call('getSnapshot')).machine.state).toBe('running');
    tool.close();
  });
});

describe('web host: where it listens and what it prints', () => {
  it('listens on 127.0.0.1 only, with a fresh random token in the URL each run', async () => {
    const a = await serveLab();
    const b = await serveLab();
    expect(a.host.url).toBe(`http://127.0.0.1:${a.host.port}/?token=${a.host.token}`);
    expect(a.host.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(a.host.token).not.toBe(b.host.token);
    expect(await reachable('127.0.0.1', a.host.port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of others) expect({ address, reachable: await reachable(address, a.host.port) }).toEqual({ address, reachable: false });
  });

  it('`serve` prints the URL with the token; another address needs --host and gets a warning', async () => {
    expect(parseArgs(['serve'])).toMatchObject({ kind: 'serve', host: '127.0.0.1', port: 0 });
    expect(parseArgs(['serve', '--host', '0.0.0.0'])).toMatchObject({ host: '0.0.0.0' });
    const { root } = await serveLab();
    const flags = { profile: 'upstream' as const, deterministic: false, ramSize: 256 * 1024 * 1024, deviceLog: false };
    const deps = { workers: testWorkers, guest: defaultUserland };

    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
    const local = await serve({ flags, host: '127.0.0.1', port: 0, rendererRoot: root }, deps, io);
    try {
      expect(stdout).toBe(`edu-lab: open ${local.host.url}\n`);
      expect(stderr).toBe('');
      const url = new URL(local.host.url);
      expect((await http(local.host.port, url.pathname + url.search)).status).toBe(200);
    } finally {
      await local.stop();
    }

    stdout = stderr = '';
    const wide = await serve({ flags, host: '0.0.0.0', port: 0, rendererRoot: root }, deps, io);
    try {
      expect(stderr).toMatch(/^edu-lab: warning: listening on 0\.0\.0\.0, not only on this computer\. Anyone who can reach it and knows the token controls the lab\.\n$/);
      expect(stdout).toContain(`?token=${wide.host.token}`);
    } finally {
      await wide.stop();
    }
  });
});
