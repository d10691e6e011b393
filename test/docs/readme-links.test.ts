import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * Every link of the README outside its code blocks leads somewhere: `(#anchor)` to a heading
 * (as GitHub makes its anchor) or an `<a id>`, a relative path to a file or folder of the
 * repository (the results notes its figures cite among them).
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const prose = readme.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens; a repeated one gets -1, -2, … */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.matchAll(/^#{1,6} (.*)$/gm)) {
    const slug = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a id="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

test('every (#anchor) link of the README names a heading or an <a id> of it', () => {
  const anchors = headingAnchors(prose);
  const links = [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(links.length >= 10, `${links.length} anchor links`);
  assert.equal(
    links.filter((link) => !anchors.has(link)),
    [],
  );
});

test('every relative link of the README names a file or folder of the repository', () => {
  const paths = [...prose.matchAll(/\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
  assert.ok(paths.length >= 10, `${paths.length} relative links`);
  assert.equal(
    paths.filter((path) => !existsSync(new URL(`../../${path}`, import.meta.url))),
    [],
  );
});

test.run();
