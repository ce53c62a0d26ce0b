/**
 * @floe/core/util: helpers other packages use.
 * Listed by name: an internal helper never becomes API by accident.
 */

export { sha256 } from './hash.js';
export { escapeControl, escapeMarkdown } from './escape.js';
export { maxOf } from './max.js';
export { cidrContains, parseCidr, type Cidr, type CidrParse } from './cidr.js';
export { compareStrings } from './compare.js';
export { isRecord } from './shape.js';
export { emitYaml } from './yaml-emit.js';
