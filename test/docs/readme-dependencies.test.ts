import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { markdownSection } from './readme-blocks.js';

/**
 * The README's "Supply chain" table speaks of the dependencies statemill installs: every
 * dependency and optional dependency of package.json has a row, and a version a row gives is
 * the one package-lock.json installs ("current" stands for whatever the lock holds).
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>;
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };

/** The table's rows: the packages its first cell names (their first words, comma-separated) and the versions its second gives. */
function supplyChainRows(): { packages: string[]; versions: string[] }[] {
  return markdownSection(readme, '## Supply chain')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| package |'))
    .map((line) => {
      const [names, versions] = line.split('|').slice(1, 3);
      return {
        packages: names!
          .split(',')
          .map((part) => part.trim().split(' ')[0]!)
          .filter((name) => /^[a-z0-9][a-z0-9._-]*$/.test(name)),
        versions: versions!.split(',').map((version) => version.trim()),
      };
    });
}

test("every dependency of package.json has a row in the README's supply-chain table", () => {
  const named = new Set(supplyChainRows().flatMap((row) => row.packages));
  const installed = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
  assert.equal(
    installed.filter((name) => !named.has(name)),
    [],
  );
});

test('every version the supply-chain table gives is the one package-lock.json installs', () => {
  const wrong: string[] = [];
  for (const { packages, versions } of supplyChainRows()) {
    if (versions.length === 1 && versions[0] === 'current') continue;
    assert.is(versions.length, packages.length, `a version for each of ${packages.join(', ')}`);
    packages.forEach((name, i) => {
      const locked = lock.packages[`node_modules/${name}`]?.version;
      if (locked !== versions[i]) wrong.push(`${name}: README ${versions[i]}, lock ${locked}`);
    });
  }
  assert.equal(wrong, []);
});

test.run();
