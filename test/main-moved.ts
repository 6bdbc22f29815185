/**
 * R32a-1's repository (red teams R32a and R33): main moved under a run of the review, a merge of #41
 * (frank demoted) after the run checked main out.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, tempDir } from './helpers.ts';
import { baseSpec, distOf, user, type Spec } from './review/scenarios.ts';

/** baseSpec with frank no longer an admin (#41, alice's, dan approved, merged). */
export function frankDemoted(): Spec {
  const s = baseSpec();
  user(s, 'frank@acme.io').admin = false;
  return s;
}

/**
 * A repository whose main went M1 (baseSpec) → M2 (#41 merged: frank demoted), checked out as the
 * review job checked main out (`checkedOut`: M1 when it did so before #41 merged), and a head on top
 * of M2 with `headSpec`'s dist/.
 */
export async function mainMovedUnderTheRun(checkedOut: 'M1' | 'M2', headSpec: Spec) {
  const repo = tempDir('orgctl-main-moved-');
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  const commitDist = async (spec: Spec, message: string) => {
    git('rm', '-r', '-q', '--ignore-unmatch', 'dist');
    mkdirSync(join(repo, 'org'), { recursive: true });
    writeFileSync(join(repo, 'org/org.json'), JSON.stringify(spec));
    cpSync(await distOf(spec), join(repo, 'dist'), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const M1 = await commitDist(baseSpec(), 'M1');
  const M2 = await commitDist(frankDemoted(), 'Merge #41: frank is no longer an admin');
  git('checkout', '-q', '-b', 'head');
  const H = await commitDist(headSpec, 'the head, on top of M2');
  git('checkout', '-q', '--detach', checkedOut === 'M1' ? M1 : M2);
  return { repo, M2, H };
}
