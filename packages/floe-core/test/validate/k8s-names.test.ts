import { describe, expect, it } from 'vitest';
import { dns1123Label, dns1123Subdomain, labelValue, portName, portNumber, qualifiedName } from '../../src/validate/k8s-names.js';

describe('apimachinery name rules', () => {
  it('accepts RFC 1123 labels up to 63 characters and refuses upper case, dots, edges and length', () => {
    expect(dns1123Label('floe-jobs')).toEqual([]);
    expect(dns1123Label('a'.repeat(63))).toEqual([]);
    expect(dns1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
    for (const bad of ['Floe', 'floe.jobs', '-floe', 'floe-', '', 'floe_jobs']) expect(dns1123Label(bad), bad).not.toEqual([]);
  });

  it('accepts dotted RFC 1123 subdomains up to 253 characters', () => {
    expect(dns1123Subdomain('floe.default-deny')).toEqual([]);
    expect(dns1123Subdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`)).toEqual([]);
    expect(dns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
    for (const bad of ['a..b', '.a', 'a.', 'A.b', 'a_b']) expect(dns1123Subdomain(bad), bad).not.toEqual([]);
  });

  it('checks label keys as qualified names: optional DNS subdomain prefix, name of at most 63 characters', () => {
    for (const ok of ['app', 'app.kubernetes.io/name', 'k8s-app', 'A_b.C', 'floe.dev/component', 'x/Y']) expect(qualifiedName(ok), ok).toEqual([]);
    expect(qualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedName('example.com/')).toEqual(['name part must be non-empty']);
    expect(qualifiedName('a/b/c')).toHaveLength(1);
    expect(qualifiedName('Example.com/name')[0]).toMatch(/^prefix part must be a lowercase RFC 1123 subdomain/);
    expect(qualifiedName(`x/${'n'.repeat(64)}`)).toContain('name part must be no more than 63 characters');
    expect(qualifiedName('-app')[0]).toMatch(/^name part must consist of/);
  });

  it('allows empty label values and refuses values over 63 characters or with bad edges', () => {
    expect(labelValue('')).toEqual([]);
    expect(labelValue('v1.2_3-x')).toEqual([]);
    expect(labelValue('v'.repeat(64))).toContain('must be no more than 63 characters');
    for (const bad of ['-x', 'x-', 'a b', 'a/b']) expect(labelValue(bad), bad).not.toEqual([]);
  });

  it('checks named ports as IANA service names and numbers as 1-65535', () => {
    expect(portName('http')).toEqual([]);
    expect(portName('dns-tcp')).toEqual([]);
    expect(portName('a'.repeat(16))).toContain('must be 1 to 15 characters');
    expect(portName('8080')).toContain('must contain at least one letter (a-z)');
    expect(portName('HTTP')).toContain('must contain only lowercase letters, digits and "-"');
    expect(portName('a--b')).toContain('must not contain consecutive hyphens');
    expect(portName('-ab')).toContain('must not begin or end with a hyphen');
    expect(portNumber(1)).toEqual([]);
    expect(portNumber(65535)).toEqual([]);
    for (const bad of [0, 65536, 70000, 1.5, -1]) expect(portNumber(bad), String(bad)).toEqual(['must be between 1 and 65535, inclusive']);
  });
});
