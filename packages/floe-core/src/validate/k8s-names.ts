/**
 * The string rules of k8s.io/apimachinery/pkg/util/validation, as the API
 * server applies them to names, labels, annotations and ports. Each function
 * returns the reasons a value is invalid (empty when it is valid), so a caller
 * can report all of them, as the API server does.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PORT_NAME_CHARS = /^[-a-z0-9]+$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
/** apimachinery's TotalAnnotationSizeLimitB: keys and values of one object together. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) errs.push(`must be no more than ${DNS1123_LABEL_MAX} characters`);
  if (!DNS1123_LABEL.test(value)) {
    errs.push('must be a lowercase RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');
  }
  return errs;
}

export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push('must be a lowercase RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
  return errs;
}

/** Label keys and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] as string;
  } else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return ['must be a qualified name: an optional DNS subdomain prefix and "/", then a name (e.g. example.com/my-name)'];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else {
    if (name.length > DNS1123_LABEL_MAX) errs.push(`name part must be no more than ${DNS1123_LABEL_MAX} characters`);
    if (!QUALIFIED_NAME_PART.test(name)) {
      errs.push('name part must consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
  return errs;
}

export function labelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errs.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE.test(value)) {
    errs.push('must be empty or consist of letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
  }
  return errs;
}

/** IANA service names (RFC 6335), the named ports a NetworkPolicy may use. */
export function portName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0 || value.length > 15) errs.push('must be 1 to 15 characters');
  if (!PORT_NAME_CHARS.test(value)) errs.push('must contain only lowercase letters, digits and "-"');
  if (!/[a-z]/.test(value)) errs.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errs.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function portNumber(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}
