/**
 * @floe/core/util: helpers other packages use.
 * Listed by name: an internal helper never becomes API by accident.
 */

export { sha256 } from './hash.js';
export { compareStrings } from './compare.js';
export { isRecord } from './shape.js';
export { escapeControl } from './escape.js';
export { cidrContains, parseCidr, type Cidr, type CidrParse } from './cidr.js';
