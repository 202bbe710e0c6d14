// Units offered in a picker, grouped under their parent: ended units marked "(cũ)", the parent
// named beside units that share a name, and a filter by folded words (name, parent, old names).

import { matches, queryWords, words } from "./fold.js";

/**
 * @typedef {{id: number, name: string, parent_id?: number|null, path?: string,
 *   valid_to?: string|null, aliases?: string[]}} Unit
 * @typedef {{id: number, label: string, old: boolean, text: string}} UnitOption
 * @typedef {{id: number|null, label: string, old: boolean, options: UnitOption[]}} UnitGroup
 */

/**
 * Group units under their parents, in the tree's order; current groups and units before
 * ended ones, names in Vietnamese order inside a group.
 * @param {Unit[]} units the units to offer
 * @param {Unit[]} all every unit the phone holds (to name the parents)
 * @param {{old: string, other: string}} labels the "(cũ)" mark and the name of the group
 *   of units whose parent the phone does not hold
 * @returns {UnitGroup[]}
 */
export function unitGroups(units, all, labels) {
  const byId = new Map(all.map((u) => [u.id, u]));
  for (const u of units) if (!byId.has(u.id)) byId.set(u.id, u);
  const named = new Map();
  for (const u of units) named.set(u.name, (named.get(u.name) || 0) + 1);
  /** @type {Map<number|null, UnitGroup & {path: string}>} */
  const groups = new Map();
  for (const unit of units) {
    const parent = unit.parent_id != null ? byId.get(unit.parent_id) : undefined;
    const key = parent ? parent.id : null;
    if (!groups.has(key)) {
      groups.set(key, {
        id: key,
        label: parent ? withOld(parent.name, parent, labels.old) : labels.other,
        old: Boolean(parent && parent.valid_to),
        path: parent ? String(parent.path || "") : "\uffff",
        options: [],
      });
    }
    const old = Boolean(unit.valid_to);
    const twin = named.get(unit.name) > 1;
    const label = withOld(unit.name, unit, labels.old) + (twin && parent ? ` — ${parent.name}` : "");
    const text = ` ${[unit.name, ...(unit.aliases || []), parent ? parent.name : ""].flatMap(words).join(" ")} `;
    groups.get(key).options.push({ id: unit.id, label, old, text });
  }
  const collator = new Intl.Collator("vi");
  const list = [...groups.values()];
  for (const group of list) {
    group.options.sort((a, b) => Number(a.old) - Number(b.old) || collator.compare(a.label, b.label));
  }
  list.sort((a, b) => Number(a.old) - Number(b.old) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return list.map(({ path, ...group }) => group);
}

function withOld(name, unit, mark) {
  return unit.valid_to ? `${name} ${mark}` : name;
}

/**
 * The groups with only the options matching every folded query word (at a word's start, in the
 * unit's name, old names or parent's name); a group left empty is dropped. `keep` stays in
 * whatever the query, so the chosen unit never disappears from its picker.
 * @param {UnitGroup[]} groups
 * @param {string} query
 * @param {number|null} [keep]
 * @returns {UnitGroup[]}
 */
export function filterGroups(groups, query, keep = null) {
  const wanted = queryWords(query);
  if (!wanted.length) return groups;
  return groups
    .map((g) => ({ ...g, options: g.options.filter((o) => o.id === keep || matches(o.text, wanted)) }))
    .filter((g) => g.options.length);
}

/** How many options the groups hold. @param {UnitGroup[]} groups */
export function optionCount(groups) {
  return groups.reduce((n, g) => n + g.options.length, 0);
}

/**
 * One line per unit for a flat list: "(cũ)" after an ended unit, and the parent's name after a
 * unit whose name another unit of the list shares ("Xã Đông Hiếu (cũ) — Thị xã Thái Hòa").
 * @param {Unit[]} units the units listed
 * @param {Unit[]} all every unit known (to name the parents)
 * @param {string} old the "(cũ)" mark
 * @returns {Map<number, string>} label by unit id
 */
export function unitLabels(units, all, old) {
  const byId = new Map(all.map((u) => [u.id, u]));
  const named = new Map();
  for (const u of units) named.set(u.name, (named.get(u.name) || 0) + 1);
  return new Map(units.map((u) => {
    const parent = u.parent_id != null ? byId.get(u.parent_id) : undefined;
    const twin = named.get(u.name) > 1 && parent;
    return [u.id, withOld(u.name, u, old) + (twin ? ` — ${parent.name}` : "")];
  }));
}
