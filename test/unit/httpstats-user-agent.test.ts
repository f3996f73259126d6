/** User-agent classification into browser and OS families. */
import { BROWSERS, OPERATING_SYSTEMS, UserAgentClassifier, classifyUserAgent } from '../../processors/httpstats/user-agent';

function names(ua: string): [string, string] {
  const c = classifyUserAgent(ua);
  return [BROWSERS[c.browser], OPERATING_SYSTEMS[c.os]];
}

describe('classifyUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', 'Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61', 'Edge', 'Windows'],
    ['Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 OPR/26.0.1656.60', 'Opera', 'Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', 'Linux'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', 'Safari', 'macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', 'Safari', 'iOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1', 'Chrome', 'iOS'],
    ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36', 'Samsung Internet', 'Android'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android'],
    ['Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko', 'Internet Explorer', 'Windows'],
    ['Mozilla/5.0 (X11; CrOS x86_64 6310.68.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.96 Safari/537.36', 'Chrome', 'Chrome OS'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Bot', 'Other'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'Bot', 'Other'],
    ['curl/8.4.0', 'Library', 'Other'],
    ['python-requests/2.31.0', 'Library', 'Other'],
    ['Go-http-client/1.1', 'Library', 'Other'],
    ['SomethingElse/1.0', 'Other', 'Other'],
    ['', 'Unknown', 'Unknown'],
    ['-', 'Unknown', 'Unknown'],
  ])('%s', (ua, browser, os) => {
    expect(names(ua)).toEqual([browser, os]);
  });

  it('caches results with a bounded cache and returns the same answers', () => {
    const c = new UserAgentClassifier(2);
    const agents = ['curl/8', 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Go-http-client/1.1'];
    for (let i = 0; i < 10; i++) for (const ua of agents) expect(c.classify(ua)).toEqual(classifyUserAgent(ua));
  });
});
