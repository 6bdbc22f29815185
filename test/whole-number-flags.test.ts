/**
 * Flags that take a whole number (generate's counts, review's --pull, init's --github-id): a number
 * past what JavaScript holds exactly, or past what orgctl can make, is refused with the flag's
 * name and what it takes — never run as a rounded number or ended by an engine error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.ts';

const generate = (users: string) =>
  cli(['generate', '--users', users, '--namespaces', '1', '--grants', '0', '--tokens', '0']);

describe('whole-number flags', () => {
  it('generate refuses a count JavaScript cannot hold exactly, naming the flag', () => {
    const r = generate('99999999999999999999');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--users "99999999999999999999" is not a whole number');
    expect(r.stderr).not.toContain('Invalid array length');
  });

  // Before the limit, 4,000,000,000 users ran out of memory after minutes: one past the limit is the case.
  it('generate refuses a count past what it makes, saying the most, before making anything', () => {
    const r = cli([
      'generate',
      '--users',
      '1',
      '--namespaces',
      '1',
      '--grants',
      '0',
      '--tokens',
      '0',
      '--invites',
      '1000001',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--invites 1000001 is more than generate makes (at most 1,000,000)');
    expect(r.stdout).toBe('');
  }, 120_000);

  it('review --github refuses a pull request number JavaScript cannot hold exactly', () => {
    const dir = tempDir();
    const event = join(dir, 'event.json');
    writeFileSync(event, '{}');
    const r = cli(['review', '--github', '--pull', '99999999999999999999'], {
      cwd: dir,
      env: {
        GITHUB_EVENT_PATH: event,
        GITHUB_REPOSITORY: 'acme/org',
        GITHUB_TOKEN: 't',
        GITHUB_API_URL: 'http://127.0.0.1:9',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pull "99999999999999999999" is not a pull request number');
  });
});
