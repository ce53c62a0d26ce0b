import { describe, expect, it } from 'vitest';
import { flagValue, imageVersion, parseGoBool, parseImage } from '../../src/cni/image.js';

describe('parseImage', () => {
  it('reads registry, repository, name and tag', () => {
    expect(parseImage('docker.io/calico/node:v3.28.1')).toEqual({ registry: 'docker.io', repository: 'calico/node', name: 'node', tag: 'v3.28.1', digest: null });
  });

  it('implies no registry for Docker Hub short names', () => {
    expect(parseImage('weaveworks/weave-kube:2.8.1')).toMatchObject({ registry: null, repository: 'weaveworks/weave-kube', tag: '2.8.1' });
  });

  it('keeps a tag and a digest apart', () => {
    expect(parseImage('quay.io/cilium/cilium:v1.16.1@sha256:0b4a')).toMatchObject({ repository: 'cilium/cilium', tag: 'v1.16.1', digest: 'sha256:0b4a' });
  });

  it('does not take a registry port for a tag', () => {
    expect(parseImage('localhost:5000/flannel/flannel')).toMatchObject({ registry: 'localhost:5000', repository: 'flannel/flannel', tag: null });
  });
});

describe('imageVersion', () => {
  it('is the tag, and null for a digest-only or latest image', () => {
    expect(imageVersion('kindest/kindnetd:v20240813-c6f155d6')).toBe('v20240813-c6f155d6');
    expect(imageVersion('quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:abc')).toBeNull();
    expect(imageVersion('cloudnativelabs/kube-router:latest')).toBeNull();
  });
});

describe('flagValue', () => {
  it('reads --name=value, a bare boolean flag, single-dash flags, and the last occurrence', () => {
    expect(flagValue(['--run-firewall=false'], 'run-firewall')).toBe('false');
    expect(flagValue(['--disable-network-policy'], 'disable-network-policy')).toBe('true');
    expect(flagValue(['-enable-policy=never'], 'enable-policy')).toBe('never');
    expect(flagValue(['--run-firewall=false', '--run-firewall=true'], 'run-firewall')).toBe('true');
    expect(flagValue(['--run-router=true'], 'run-firewall')).toBeUndefined();
  });
});

describe('parseGoBool', () => {
  it('accepts what Go strconv.ParseBool accepts and nothing else', () => {
    expect(['1', 't', 'TRUE', 'True'].map(parseGoBool)).toEqual([true, true, true, true]);
    expect(['0', 'f', 'FALSE', 'false'].map(parseGoBool)).toEqual([false, false, false, false]);
    expect(parseGoBool('yes')).toBeUndefined();
  });
});
