import { describe, expect, it } from 'vitest';
import { complete, formatColumns, type CompletionSource } from '../../../src/main/guest/shell/completion';
import { Screen } from './support';

const P = 'root@edu-lab:~# ';
const TAB = '\t';

describe('tab completion on the console', () => {
  it('completes a unique command name with a space', async () => {
    const s = await Screen.start();
    await s.type('lsp' + TAB);
    expect(s.lines()).toEqual([P + 'lspci ']);
    expect(s.cursor).toEqual({ x: 22, y: 0 });
    await s.type('\x15ec' + TAB);
    expect(s.lines()).toEqual([P + 'echo ']);
  });

  it('lists several matches under the prompt at once when nothing can be added', async () => {
    const s = await Screen.start();
    await s.type('ls' + TAB);
    expect(s.lines()).toEqual([P + 'ls', 'lsmod  lspci', P + 'ls']);
    expect(s.cursor).toEqual({ x: 18, y: 2 });
    await s.type('m' + TAB);
    expect(s.lines()).toEqual([P + 'ls', 'lsmod  lspci', P + 'lsmod ']);
  });

  it('adds the common prefix first, lists on the next Tab', async () => {
    const s = await Screen.start();
    await s.type('e' + TAB);
    expect(s.lines()).toEqual([P + 'e', 'echo    eintr   env     exit    export', P + 'e']);
    await s.type('x' + TAB);
    expect(s.lines().slice(-1)).toEqual([P + 'ex']);
    await s.type('p' + TAB);
    expect(s.lines().slice(-1)).toEqual([P + 'export ']);
  });

  it('completes commands after ; && and keywords, and at the cursor in the middle of a line', async () => {
    const s = await Screen.start();
    await s.type('true; lsp' + TAB);
    expect(s.line(0)).toBe(P + 'true; lspci ');
    await s.type('\x15A=1 true && if tr' + TAB);
    expect(s.line(0)).toBe(P + 'A=1 true && if true ');
    await s.type('\x15lsp arg' + '\x1b[D'.repeat(4) + TAB);
    expect(s.line(0)).toBe(P + 'lspci  arg');
    expect(s.cursor).toEqual({ x: 22, y: 0 });
  });

  it('completes paths through the VFS: directories get a slash, files a space', async () => {
    const s = await Screen.start();
    await s.type('cd /pr' + TAB);
    expect(s.line(0)).toBe(P + 'cd /proc/');
    await s.type('io' + TAB);
    expect(s.lines()).toEqual([P + 'cd /proc/io', 'iomem    ioports', P + 'cd /proc/io']);
    await s.type('m' + TAB);
    expect(s.line(2)).toBe(P + 'cd /proc/iomem ');
  });

  it('completes relative paths, links to directories, ~', async () => {
    const s = await Screen.start();
    await s.command('cd /sys');
    await s.type('cd bu' + TAB);
    expect(s.line(1)).toBe('root@edu-lab:/sys# cd bus/');
    await s.type('pci/devices/0000:00:04' + TAB);
    expect(s.line(1)).toBe('root@edu-lab:/sys# cd bus/pci/devices/0000:00:04.0/');
    await s.type('\x15cd ~' + TAB);
    expect(s.line(1)).toBe('root@edu-lab:/sys# cd ~/');
    await s.type('\x15echo ../pr' + TAB);
    expect(s.line(1)).toBe('root@edu-lab:/sys# echo ../proc/');
  });

  it('completes option names from the tool, and the builtins', async () => {
    const s = await Screen.start();
    await s.type('lspci -' + TAB);
    expect(s.lines()).toEqual([P + 'lspci -', '-k   -n   -nn  -s   -v   -vv', P + 'lspci -']);
    await s.type('k' + TAB);
    expect(s.line(2)).toBe(P + 'lspci -k ');
    await s.type('-n' + TAB);
    expect(s.lines().slice(-2)).toEqual(['-n   -nn', P + 'lspci -k -n']);
    await s.type('\x15echo -' + TAB);
    expect(s.lines().slice(-2)).toEqual(['-E  -e  -n', P + 'echo -']);
  });

  it('completes variable names after $', async () => {
    const s = await Screen.start();
    await s.type('echo $HO' + TAB);
    expect(s.lines()).toEqual([P + 'echo $HO', '$HOME      $HOSTNAME', P + 'echo $HO']);
    await s.type('\x15echo $HOM' + TAB);
    expect(s.line(2)).toBe(P + 'echo $HOME ');
    await s.type('${US' + TAB);
    expect(s.line(2)).toBe(P + 'echo $HOME ${USER} ');
  });

  it('does nothing when nothing matches', async () => {
    const s = await Screen.start();
    await s.type('xyz' + TAB + ' /nope/' + TAB);
    expect(s.lines()).toEqual([P + 'xyz /nope/']);
  });

  it('lists in columns that fit the terminal, and redraws a wrapped line below', async () => {
    const s = await Screen.start({ cols: 20 });
    await s.type('echo /proc/' + TAB);
    const lines = s.lines();
    expect(lines[0]).toBe('root@edu-lab:~# echo');
    expect(lines[1]).toBe(' /proc/');
    expect(lines.slice(2, -2).every((l) => l.length <= 20)).toBe(true);
    expect(lines.slice(-2)).toEqual(['root@edu-lab:~# echo', ' /proc/']);
    expect(s.cursor).toEqual({ x: 7, y: lines.length - 1 });
  });
});

describe('completion logic', () => {
  const source: CompletionSource = {
    commandNames: () => ['echo', 'exit', 'lspci'],
    optionsOf: (c) => (c === 'lspci' ? ['-v', '-vv'] : []),
    variableNames: () => ['HOME', 'HOSTNAME'],
    listDirectory: (path) =>
      path === '/root'
        ? [
            { name: 'my file', dir: false },
            { name: '.hidden', dir: false },
            { name: 'sub', dir: true },
          ]
        : undefined,
    cwd: '/root',
    home: '/root',
  };

  it('escapes what the shell would read as syntax', () => {
    expect(complete('cat my', source)).toEqual({ start: 4, replacement: 'my\\ file ' });
    expect(complete('cat "my', source)).toEqual({ start: 4, replacement: 'my\\ file ' });
  });

  it('hides dot files unless asked', () => {
    expect(complete('cat ', source)).toEqual({ start: 4, candidates: ['my file', 'sub/'] });
    expect(complete('cat .', source)).toEqual({ start: 4, replacement: '.hidden ' });
  });

  it('variables complete to their common prefix', () => {
    expect(complete('echo $H', source)).toEqual({ start: 5, replacement: '$HO' });
    expect(complete('echo x$HO', source)).toEqual({ start: 5, candidates: ['$HOME', '$HOSTNAME'] });
  });

  it('lays out columns down then across', () => {
    expect(formatColumns(['a', 'b', 'c', 'd', 'e'], 9)).toEqual(['a  c  e', 'b  d']);
    expect(formatColumns(['中文', 'x'], 80)).toEqual(['中文  x']);
  });
});
