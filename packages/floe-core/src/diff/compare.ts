/**
 * Structural comparison of two normalised objects, field by field, with
 * paths. In a NetworkPolicy spec every list is a set (policyTypes, rules,
 * peers, ports, matchExpressions and their values, ipBlock.except: the API
 * gives none of them an order that changes what is allowed), so those lists
 * are compared without regard to order; elsewhere lists are compared by index.
 */
import type { Difference } from './types.js';
import { isObject, type Json, type JsonObject } from './json.js';

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * `spec.ports`, `metadata.labels[app.kubernetes.io/managed-by]`: the API
 * server's field paths (and `validate`'s), map keys that are not plain words in brackets.
 */
export function childPath(base: string, key: string): string {
  if (PLAIN_KEY.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${key}]`;
}

/** A key equal for values that are equal when set-like lists ignore order. */
export function canonicalKey(value: Json, unordered: boolean): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonicalKey(v, unordered));
    if (unordered) items.sort();
    return `[${items.join(',')}]`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalKey(value[k] as Json, unordered)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Leaf facts of a value ("ports[].port=8181"), to pair list items that are most alike. */
function facts(value: Json, prefix: string, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) facts(v, `${prefix}[]`, out);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) facts(v, `${prefix}.${k}`, out);
  else out.add(`${prefix}=${JSON.stringify(value)}`);
  return out;
}

function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const f of a) if (b.has(f)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

interface Match {
  /** For each expected index: the live index it pairs with, or -1. */
  pairOf: number[];
  unpairedLive: number[];
}

/**
 * Pairs list items: identical ones first (by canonical key), then the
 * remaining ones by likeness, so one changed port in one rule pairs that rule
 * with its live counterpart instead of reporting a rule missing and another extra.
 */
function matchSets(expected: Json[], live: Json[]): Match {
  const pairOf = expected.map(() => -1);
  const liveUsed = live.map(() => false);
  const liveByKey = new Map<string, number[]>();
  live.forEach((v, j) => {
    const k = canonicalKey(v, true);
    const list = liveByKey.get(k);
    if (list) list.push(j);
    else liveByKey.set(k, [j]);
  });
  expected.forEach((v, i) => {
    const j = liveByKey.get(canonicalKey(v, true))?.shift();
    if (j !== undefined) {
      pairOf[i] = j;
      liveUsed[j] = true;
    }
  });
  const restE = pairOf.flatMap((j, i) => (j === -1 ? [i] : []));
  const restL = liveUsed.flatMap((used, j) => (used ? [] : [j]));
  if (restE.length && restL.length) {
    const fe = new Map(restE.map((i) => [i, facts(expected[i] as Json, '', new Set())]));
    const fl = new Map(restL.map((j) => [j, facts(live[j] as Json, '', new Set())]));
    const candidates: { i: number; j: number; score: number }[] = [];
    for (const i of restE) for (const j of restL) candidates.push({ i, j, score: similarity(fe.get(i) as Set<string>, fl.get(j) as Set<string>) });
    // Best pairs first; ties in list order, so the result is deterministic.
    candidates.sort((a, b) => b.score - a.score || a.i - b.i || a.j - b.j);
    for (const c of candidates) {
      if (c.score === 0) break;
      if (pairOf[c.i] !== -1 || liveUsed[c.j]) continue;
      pairOf[c.i] = c.j;
      liveUsed[c.j] = true;
    }
  }
  return { pairOf, unpairedLive: liveUsed.flatMap((used, j) => (used ? [] : [j])) };
}

export interface Comparison {
  differences: Difference[];
  /** The live value with set-like lists put in the intent's order (live-only items last), for display. */
  aligned: Json;
}

/**
 * Differences between `expected` and `live`. Paths index lists by the
 * intent's positions; an item only in the live object carries its live position.
 * `unordered(path)` says whether the list at `path` is a set.
 */
export function compare(expected: Json, live: Json, path: string, unordered: (path: string) => boolean): Comparison {
  const differences: Difference[] = [];
  const aligned = walk(expected, live, path, unordered, differences);
  return { differences, aligned };
}

function walk(e: Json, l: Json, path: string, unordered: (path: string) => boolean, out: Difference[]): Json {
  if (Array.isArray(e) && Array.isArray(l)) {
    const asSet = unordered(path);
    if (canonicalKey(e, asSet) === canonicalKey(l, asSet)) return asSet ? e : l;
    const result: Json[] = [];
    if (asSet) {
      const { pairOf, unpairedLive } = matchSets(e, l);
      e.forEach((item, i) => {
        const j = pairOf[i] as number;
        if (j === -1) out.push({ path: `${path}[${i}]`, expected: item });
        else result.push(walk(item, l[j] as Json, `${path}[${i}]`, unordered, out));
      });
      for (const j of unpairedLive) {
        out.push({ path: `${path}[${j}]`, live: l[j] as Json });
        result.push(l[j] as Json);
      }
    } else {
      for (let i = 0; i < Math.max(e.length, l.length); i++) {
        if (i >= l.length) out.push({ path: `${path}[${i}]`, expected: e[i] as Json });
        else if (i >= e.length) {
          out.push({ path: `${path}[${i}]`, live: l[i] as Json });
          result.push(l[i] as Json);
        } else result.push(walk(e[i] as Json, l[i] as Json, `${path}[${i}]`, unordered, out));
      }
    }
    return result;
  }
  if (isObject(e) && isObject(l)) {
    const result: JsonObject = {};
    for (const [k, ev] of Object.entries(e)) {
      const p = childPath(path, k);
      if (k in l) result[k] = walk(ev, l[k] as Json, p, unordered, out);
      else out.push({ path: p, expected: ev });
    }
    for (const [k, lv] of Object.entries(l)) {
      if (k in e) continue;
      out.push({ path: childPath(path, k), live: lv });
      result[k] = lv;
    }
    return result;
  }
  if (e !== l) out.push({ path, expected: e, live: l });
  return l;
}
