import { joinQuote, pluralize, sortedSet } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** Volume sources a pod may use at restricted: no host or network storage mounted directly. */
const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** The refused sources, in the order upstream tests them, with the name it reports (cephfs is lower-case there). */
const RESTRICTED: readonly (readonly [field: string, reported: string])[] = [
  ['hostPath', 'hostPath'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['gitRepo', 'gitRepo'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['rbd', 'rbd'],
  ['flexVolume', 'flexVolume'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephfs'],
  ['flocker', 'flocker'],
  ['fc', 'fc'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['quobyte', 'quobyte'],
  ['azureDisk', 'azureDisk'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['scaleIO', 'scaleIO'],
  ['storageos', 'storageos'],
];

/** Restricted: only the listed volume sources; replaces hostPathVolumes at every version. */
export const restrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [
    {
      minimumVersion: 0,
      overrides: ['hostPathVolumes'],
      check: (_meta, spec) => {
        const bad: string[] = [];
        const types: string[] = [];
        for (const v of spec.volumes ?? []) {
          if (ALLOWED.some((k) => v[k] != null)) continue;
          bad.push(v.name);
          types.push(RESTRICTED.find(([k]) => v[k] != null)?.[1] ?? 'unknown');
        }
        if (!bad.length) return undefined;
        const list = sortedSet(types);
        return {
          reason: 'restricted volume types',
          detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
        };
      },
    },
  ],
};
