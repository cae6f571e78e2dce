/** What a careless or hostile invocation meets: refusals and one-line errors, never damage. */

import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { symlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../parsers/cli/main';
import { udmInProcess as udm } from './run-in-process';

const ROOT = path.join(__dirname, '..', '..');
const NDJSON = path.join(ROOT, 'samples', 'kms', 'ndjson', 'kms-records.ndjson');
const temp = () => mkdtempSync(path.join(tmpdir(), 'udm-safety-'));

describe('udm map outputs', () => {
  it('refuses to write over an input, before touching it', async () => {
    const file = path.join(temp(), 'records.ndjson');
    copyFileSync(NDJSON, file);
    const run = await udm(['map', file, '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`udm: refusing to write over the input ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
  });

  it('refuses the same file for --out and --rejects', async () => {
    const out = path.join(temp(), 'x.ndjson');
    const run = await udm(['map', NDJSON, '--out', out, '--rejects', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--out and --rejects must be different files');
  });

  it('does not read its own outputs when they sit in the directory it reads', async () => {
    const dir = temp();
    copyFileSync(NDJSON, path.join(dir, 'in.ndjson'));
    const out = path.join(dir, 'out.ndjson');
    const run = await udm(['map', dir, '--out', out, '--rejects', path.join(dir, 'rj.ndjson')]);
    expect(run.stderr).toContain('read 8, mapped 8, skipped 0, rejected 0');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(8);
  });

  it('never writes over a file that sits in a directory it reads', async () => {
    const dir = temp();
    const [a, b] = [path.join(dir, 'a.ndjson'), path.join(dir, 'b.ndjson')];
    copyFileSync(NDJSON, a);
    copyFileSync(NDJSON, b);
    for (const args of [
      ['--out', a],
      ['--rejects', b],
    ]) {
      const run = await udm(['map', dir, ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`refusing to write over ${args[1]}: it is a file in the input`);
    }
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
  });

  it('refuses an output that is its standard input, or an input under another name', () => {
    const dir = temp();
    const file = path.join(dir, 'records.ndjson');
    copyFileSync(NDJSON, file);
    const bin = path.join(ROOT, 'bin', 'udm.js');
    // Standard input read from the output file itself (a shell's `< F`).
    for (const command of ['map', 'detect']) {
      const run = spawnSync(process.execPath, [bin, command, '-', '--out', file], {
        stdio: [openSync(file, 'r'), 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`udm: refusing to write over ${file}: it is the standard input\n`);
    }
    const inputs = path.join(dir, 'in');
    mkdirSync(inputs);
    const input = path.join(inputs, 'a.ndjson');
    copyFileSync(NDJSON, input);
    const alias = path.join(dir, 'out.ndjson');
    linkSync(input, alias);
    const run = spawnSync(process.execPath, [bin, 'map', inputs, '--out', alias], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`refusing to write over ${alias}: the run reads it as ${input}`);
    expect(readFileSync(input, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
  });

  it('refuses an output reached through a symbolic link, or a mapping or rule it loads', () => {
    const dir = temp();
    const [inputs, elsewhere] = [path.join(dir, 'in'), path.join(dir, 'elsewhere')];
    mkdirSync(inputs);
    mkdirSync(elsewhere);
    const far = path.join(elsewhere, 'far.ndjson');
    copyFileSync(NDJSON, far);
    symlinkSync(elsewhere, path.join(inputs, 'linked'));
    const rules = path.join(dir, 'rules');
    mkdirSync(rules);
    const rule = path.join(rules, 'r.yaral');
    writeFileSync(
      rule,
      'rule r {\n meta:\n  a = "b"\n events:\n  $e.metadata.id != ""\n condition:\n  $e\n}\n',
    );
    const mapping = path.join(dir, 'mapping.yaml');
    copyFileSync(path.join(ROOT, 'mappings', 'aws_kms.yaml'), mapping);
    const bin = path.join(ROOT, 'bin', 'udm.js');
    const refused = [
      [
        ['map', inputs, '--rejects', far],
        `the run reads it as ${path.join(inputs, 'linked', 'far.ndjson')}`,
      ],
      [['map', NDJSON, '--mapping', mapping, '--out', mapping], 'the run reads it'],
      [['detect', NDJSON, '--rules', rules, '--out', rule], 'the run reads it'],
    ] as const;
    for (const [args, why] of refused) {
      const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(why);
    }
    expect(readFileSync(far, 'utf8')).toBe(readFileSync(NDJSON, 'utf8'));
    expect(readFileSync(rule, 'utf8')).toContain('rule r');
    expect(readFileSync(mapping, 'utf8')).toContain('log_type: AWS_KMS');
  });

  it('says in one line that an output cannot be written, with exit code 2', async () => {
    const dir = temp();
    mkdirSync(path.join(dir, 'taken'));
    const run = await udm(['map', NDJSON, '--out', path.join(dir, 'taken')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^udm map: cannot write .*taken: EISDIR: .*\n$/);
  });

  it('stops quietly when the reader of its output goes away', () => {
    const big = path.join(temp(), 'big.ndjson');
    writeFileSync(big, readFileSync(NDJSON, 'utf8').repeat(3000));
    const run = spawnSync('bash', ['-c', `node bin/udm.js map '${big}' | head -1 >/dev/null`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('says once that a full device (Linux /dev/full) took no output, exit 2', () => {
    for (const command of ['map', 'detect']) {
      const run = spawnSync(
        'bash',
        ['-c', `node bin/udm.js ${command} -q samples/kms >/dev/full`],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(run.stderr).toMatch(/^udm( \w+)?: cannot write standard output: ENOSPC[^\n]*\n$/);
      expect(run.status).toBe(2);
    }
  });

  it('asks for input instead of waiting on a terminal', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    let stderr = '';
    const io = {
      stdout: process.stdout,
      stderr: { write: (text: string) => ((stderr += text), true) } as NodeJS.WritableStream,
      stdin,
    };
    for (const command of ['map', 'detect']) {
      stderr = '';
      expect(await main([command], io)).toBe(2);
      expect(stderr).toContain('no input: give files or directories');
    }
  });

  it('writes every message printable: rule file names reach validate and detect too', async () => {
    const dir = temp();
    const name = path.join(dir, 'r\u001b]0;pwn\u0007\u202ex.yaral');
    copyFileSync(path.join(ROOT, 'rules', 'aws_kms', 'aws_kms_key_rotation_disabled.yaral'), name);
    const run = await udm(['validate', dir]);
    expect(run.stderr).toContain(`${dir}/r\\u001b]0;pwn\\u0007\\u202ex.yaral: 1 rule(s)`);
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e]/);
  });

  it('names a rejected file in one printable line, whatever its name holds', async () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'evil\nudm map: read 0.json'), 'garbage\n');
    writeFileSync(path.join(dir, 'e\u001b[31mred.json'), '{"a":\n');
    const run = await udm(['map', dir, '--out', path.join(temp(), 'out.ndjson')]);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${dir}/e\\u001b[31mred.json:1: record 0: invalid JSON: ` +
        lines[0].split('invalid JSON: ')[1],
      `${dir}/evil\\u000audm map: read 0.json:1: record 0: not JSON: text outside any JSON object`,
      'udm map: read 2, mapped 0, skipped 0, rejected 2; events in ' + lines[2].split(' in ')[1],
    ]);
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('rejects a record too deep to write back, and goes on with the next', async () => {
    const deep = '{"eventSource":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const good = readFileSync(NDJSON, 'utf8').split('\n')[0];
    const run = await udm(['map', '-'], `${deep}\n${good}\n`);
    expect(run.stderr).toContain('read 2, mapped 1');
    expect(run.code).toBe(1);
  });

  it('checks --max-record-mb before it truncates the output file', async () => {
    const out = path.join(temp(), 'keep.ndjson');
    writeFileSync(out, 'precious\n');
    expect((await udm(['map', NDJSON, '--max-record-mb', 'lots', '--out', out])).code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
  });

  it('takes --max-record-mb for the size past which a record is rejected', async () => {
    const run = await udm(['map', NDJSON, '--max-record-mb', '0.001']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('record larger than 1048 bytes');
    expect((await udm(['map', NDJSON, '--max-record-mb', 'lots'])).code).toBe(2);
  });
});

describe('hostile mapping files', () => {
  it('reports an alias bomb and an unknown alias as located errors, not crashes', async () => {
    const dir = temp();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefghi') {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(
        `${name}: &${name} [${Array(10)
          .fill('*' + previous)
          .join(', ')}]`,
      );
    }
    writeFileSync(path.join(dir, 'bomb.yaml'), `log_type: X\n${levels.join('\n')}\nrows: *i\n`);
    writeFileSync(path.join(dir, 'alias.yaml'), 'log_type: X\nrows: *nope\n');
    for (const file of ['bomb.yaml', 'alias.yaml']) {
      const validate = await udm(['validate', path.join(dir, file)]);
      expect(validate.code).toBe(1);
      expect(validate.stderr).toMatch(/error\[mapping_yaml\]: .*\n {2}--> .*:1:1/);
      const map = await udm(['map', '--mapping', path.join(dir, file), NDJSON]);
      expect(map.code).toBe(2);
    }
  });
});

describe('mistyped names', () => {
  it('says so in one line, exit 2', async () => {
    const explain = await udm(['explain', 'no-such-case', 'metadata.event_type']);
    expect(explain).toMatchObject({ code: 2 });
    expect(explain.stderr).toMatch(/^udm: no fixture case "no-such-case" in /);
    const test = await udm(['test', '--fixtures', '/no/such/dir']);
    expect(test).toMatchObject({ code: 2, stderr: 'udm: no fixtures directory /no/such/dir\n' });
    expect((await udm(['explain', 'sign-asymmetric-key', 'x', '--event', 'two'])).code).toBe(2);
  });
});

describe('udm compile', () => {
  it('gives the same generated module wherever it is run from', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'udm.js'), 'compile', '--check'],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
