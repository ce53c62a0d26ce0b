/**
 * The one table of limits for input floe reads: no file may make a reader or
 * the YAML parser run away. Each reader takes its figures from here.
 */
export const LIMITS = {
  /** Any input file: a cluster dump (`kubectl get deploy -A -o json` of 10,000 Deployments is 15 MB). */
  fileBytes: 64 * 1024 * 1024,
  /** A file of floe's own output directory read back (validate, diff --dir): floe writes a few KiB per object. */
  generatedFileBytes: 1024 * 1024,
  /** manifest.yaml: a config file, not a data set (10,000 domains is about 200 KiB). */
  manifestBytes: 1024 * 1024,
  /** floe's lock and ownership record: a few hundred bytes, and a few MB at 50,000 files. */
  recordBytes: 16 * 1024 * 1024,
  /** Alias expansions per document: aliases are legitimate, but an alias bomb expands exponentially. */
  aliases: 100,
  /** Nesting of collections in one document; real objects nest about 15 deep. */
  depth: 200,
} as const;
