/**
 * User-agent classification into a browser family and an operating system
 * family: a short ordered list of substring tests (no regular expressions, no
 * dependency), good enough for traffic shares, not for device detection.
 *
 * Order matters because agents impersonate each other: Edge and Opera say
 * "Chrome", Chrome says "Safari", everything says "Mozilla". Crawlers and HTTP
 * libraries are their own families ('Bot', 'Library') so they do not inflate
 * browser shares.
 *
 * `UserAgentClassifier` caches results by the full string: a site sees a few
 * hundred distinct agents, so after warm-up classification is one Map lookup.
 */

export const BROWSERS = [
  'Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Internet Explorer', 'Samsung Internet', 'Yandex', 'Bot', 'Library', 'Other', 'Unknown',
] as const;
export type Browser = (typeof BROWSERS)[number];

export const OPERATING_SYSTEMS = ['Windows', 'macOS', 'iOS', 'Android', 'Linux', 'Chrome OS', 'BSD', 'Other', 'Unknown'] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

export interface UserAgentClass {
  /** Index into BROWSERS. */
  browser: number;
  /** Index into OPERATING_SYSTEMS. */
  os: number;
}

const B = (name: Browser) => BROWSERS.indexOf(name);
const O = (name: OperatingSystem) => OPERATING_SYSTEMS.indexOf(name);

const CRAWLER_MARKS = ['bot', 'spider', 'crawl', 'slurp', 'archiver', 'facebookexternalhit', 'mediapartners', 'headlesschrome', 'lighthouse'];
const LIBRARY_PREFIXES = [
  'curl/', 'wget/', 'python-requests', 'python-urllib', 'python/', 'go-http-client', 'java/', 'okhttp', 'libwww-perl', 'apache-httpclient',
  'node-fetch', 'axios/', 'undici', 'ruby', 'php/', 'guzzlehttp', 'powershell', 'httpie', 'aiohttp', 'dart:io', 'scrapy', 'masscan', 'zgrab',
  'nmap', 'nikto', 'sqlmap',
];

function browserOf(ua: string, lower: string): number {
  for (const m of CRAWLER_MARKS) if (lower.includes(m)) return B('Bot');
  for (const p of LIBRARY_PREFIXES) if (lower.startsWith(p)) return B('Library');
  if (ua.includes('Edg/') || ua.includes('Edge/') || ua.includes('EdgA/') || ua.includes('EdgiOS/')) return B('Edge');
  if (ua.includes('OPR/') || ua.includes('Opera')) return B('Opera');
  if (ua.includes('SamsungBrowser/')) return B('Samsung Internet');
  if (ua.includes('YaBrowser/')) return B('Yandex');
  if (ua.includes('Firefox/') || ua.includes('FxiOS/')) return B('Firefox');
  if (ua.includes('Chrome/') || ua.includes('CriOS/') || ua.includes('Chromium/')) return B('Chrome');
  if (ua.includes('MSIE ') || ua.includes('Trident/')) return B('Internet Explorer');
  if (ua.includes('Safari/') || (ua.includes('AppleWebKit/') && (ua.includes('iPhone') || ua.includes('iPad')))) return B('Safari');
  return B('Other');
}

function osOf(ua: string): number {
  if (ua.includes('Windows')) return O('Windows');
  if (ua.includes('iPhone') || ua.includes('iPad') || ua.includes('iPod') || ua.includes('iOS')) return O('iOS');
  if (ua.includes('Android')) return O('Android');
  if (ua.includes('CrOS')) return O('Chrome OS');
  if (ua.includes('Mac OS X') || ua.includes('Macintosh') || ua.includes('Darwin')) return O('macOS');
  if (ua.includes('FreeBSD') || ua.includes('OpenBSD') || ua.includes('NetBSD')) return O('BSD');
  if (ua.includes('Linux') || ua.includes('X11') || ua.includes('Ubuntu')) return O('Linux');
  return O('Other');
}

const UNKNOWN: UserAgentClass = { browser: B('Unknown'), os: O('Unknown') };

/** Classifies one user-agent string ('' and '-' are Unknown/Unknown). */
export function classifyUserAgent(ua: string): UserAgentClass {
  if (ua === '' || ua === '-') return UNKNOWN;
  const lower = ua.toLowerCase();
  const browser = browserOf(ua, lower);
  return { browser, os: osOf(ua) };
}

/** classifyUserAgent with a bounded cache (cleared when full, so memory stays bounded under agent spam). */
export class UserAgentClassifier {
  private readonly cache = new Map<string, UserAgentClass>();
  private lastAgent = '';
  private lastClass = UNKNOWN;
  constructor(private readonly maxEntries = 4096) {}

  classify(ua: string): UserAgentClass {
    // Consecutive requests often come from the same client: a string compare beats hashing a fresh string.
    if (ua === this.lastAgent) return this.lastClass;
    let c = this.cache.get(ua);
    if (c === undefined) {
      c = classifyUserAgent(ua);
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(ua, c);
    }
    this.lastAgent = ua;
    this.lastClass = c;
    return c;
  }
}
