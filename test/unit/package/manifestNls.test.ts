/**
 * Every text of the manifest a user reads (command titles and categories, views, walkthrough,
 * setting titles and descriptions, the capability notes, display name and description) is a
 * `%key%` that package.nls.json resolves, so a translation of package.nls.json translates all of it;
 * and package.nls.json holds no key that nothing uses.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROFILE_SETTING } from '../../../scripts/writeProfileSchema';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys of a JSON schema (a setting's declaration) whose values a user reads in the Settings editor or a hover. */
const SCHEMA_TEXT = new Set(['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'patternErrorMessage', 'errorMessage', 'title']);
const SCHEMA_TEXT_LISTS = new Set(['enumDescriptions', 'markdownEnumDescriptions']);

/** Every user-visible text of the manifest, with where it is (a JSON path). */
export function userVisibleTexts(pkg: Record<string, unknown>): { where: string; value: unknown }[] {
  const found: { where: string; value: unknown }[] = [];
  const add = (where: string, value: unknown) => {
    if (value !== undefined) {
      found.push({ where, value });
    }
  };
  add('displayName', pkg.displayName);
  add('description', pkg.description);
  const capabilities = (pkg.capabilities ?? {}) as Record<string, { description?: string }>;
  for (const [name, capability] of Object.entries(capabilities)) {
    add(`capabilities.${name}.description`, capability.description);
  }
  const contributes = pkg.contributes as Record<string, Json>;
  for (const [index, command] of (contributes.commands as { title: string; category?: string; shortTitle?: string }[]).entries()) {
    add(`commands[${index}].title`, command.title);
    add(`commands[${index}].category`, command.category);
    add(`commands[${index}].shortTitle`, command.shortTitle);
  }
  for (const [location, containers] of Object.entries(contributes.viewsContainers as Record<string, { title: string }[]>)) {
    containers.forEach((container, index) => add(`viewsContainers.${location}[${index}].title`, container.title));
  }
  for (const [container, views] of Object.entries(contributes.views as Record<string, { name: string; contextualTitle?: string }[]>)) {
    views.forEach((view, index) => {
      add(`views.${container}[${index}].name`, view.name);
      add(`views.${container}[${index}].contextualTitle`, view.contextualTitle);
    });
  }
  for (const [menu, items] of Object.entries((contributes.menus ?? {}) as Record<string, { title?: string }[]>)) {
    items.forEach((item, index) => add(`menus.${menu}[${index}].title`, item.title));
  }
  for (const submenu of (contributes.submenus ?? []) as { label: string }[]) {
    add('submenus.label', submenu.label);
  }
  for (const walkthrough of contributes.walkthroughs as { id: string; title: string; description: string; steps: { id: string; title: string; description: string; media: { altText?: string } }[] }[]) {
    add(`walkthroughs.${walkthrough.id}.title`, walkthrough.title);
    add(`walkthroughs.${walkthrough.id}.description`, walkthrough.description);
    for (const step of walkthrough.steps) {
      add(`walkthroughs.${walkthrough.id}.${step.id}.title`, step.title);
      add(`walkthroughs.${walkthrough.id}.${step.id}.description`, step.description);
      add(`walkthroughs.${walkthrough.id}.${step.id}.media.altText`, step.media.altText);
    }
  }
  const schema = (node: Json, where: string, nested: boolean) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (SCHEMA_TEXT.has(key) && typeof value === 'string' && !(key === 'title' && !nested)) {
        add(`${where}.${key}`, value);
      } else if (SCHEMA_TEXT_LISTS.has(key) && Array.isArray(value)) {
        value.forEach((text, index) => add(`${where}.${key}[${index}]`, text));
      }
    }
    // The profile setting's nested schema is generated from the profile's zod schema
    // (scripts/writeProfileSchema.ts keeps it equal to media/credit-profile.schema.json): its own
    // description is the setting's and localised; the field descriptions below it are the schema's.
    if (where.endsWith(PROFILE_SETTING)) {
      return;
    }
    for (const key of ['items', 'additionalProperties']) {
      schema(node[key] as Json, `${where}.${key}`, true);
    }
    for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      schema(property, `${where}.${name}`, true);
    }
  };
  for (const group of contributes.configuration as { title: string; properties: Record<string, Json> }[]) {
    add(`configuration[${group.title}].title`, group.title);
    for (const [setting, declaration] of Object.entries(group.properties)) {
      schema(declaration, setting, false);
    }
  }
  return found;
}

/** Every `%key%` anywhere in the manifest (VS Code replaces them wherever they are). */
function referencedKeys(node: unknown, keys = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    const match = /^%(.+)%$/.exec(node);
    if (match) {
      keys.add(match[1]);
    }
  } else if (Array.isArray(node)) {
    node.forEach((item) => referencedKeys(item, keys));
  } else if (node !== null && typeof node === 'object') {
    Object.values(node).forEach((value) => referencedKeys(value, keys));
  }
  return keys;
}

describe('manifest localisation (package.nls.json)', () => {
  const texts = userVisibleTexts(manifest);

  it('finds the user-visible texts: every command, the walkthrough steps, every setting', () => {
    const contributes = manifest.contributes as { commands: unknown[]; configuration: { properties: object }[] };
    const settings = contributes.configuration.reduce((count, group) => count + Object.keys(group.properties).length, 0);
    assert.ok(texts.filter((text) => /^commands\[\d+\]\.title$/.test(text.where)).length === contributes.commands.length);
    assert.ok(texts.filter((text) => /^walkthroughs\.gettingStarted\.\w+\.description$/.test(text.where)).length >= 7);
    assert.ok(texts.length > contributes.commands.length + settings, `only ${texts.length} texts found`);
  });

  it('leaves no user-visible text of the manifest as a literal', () => {
    const literals = texts.filter((text) => typeof text.value !== 'string' || !/^%[\w.-]+%$/.test(text.value));
    assert.deepEqual(literals.map((text) => `${text.where}: ${String(text.value)}`), []);
  });

  it('resolves every %key% the manifest uses, with a non-empty English text', () => {
    const missing = [...referencedKeys(manifest)].filter((key) => typeof nls[key] !== 'string' || nls[key].trim() === '');
    assert.deepEqual(missing, []);
  });

  it('holds no key that the manifest does not use', () => {
    const used = referencedKeys(manifest);
    assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), []);
  });

  it('catches a literal title and an unresolved key (the checks above can fail)', () => {
    const broken = structuredClone(manifest) as { contributes: { commands: { title: string }[] } };
    broken.contributes.commands[0].title = 'Ask About Selection';
    assert.ok(userVisibleTexts(broken).some((text) => text.value === 'Ask About Selection'));
    assert.ok(referencedKeys({ a: ['%not.there%'] }).has('not.there'));
  });
});
