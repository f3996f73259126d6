/** `logfun sql` shows stored text, which is untrusted: control characters never reach the terminal raw. */
import { escapeControls, formatRows } from '../../collector/cli/sql';

test('escape sequences in a value are shown escaped in table and tsv output', () => {
  const body = 'normal \u001b[2J\u001b[H\u001b]0;pwned\u0007 FAKE\r\u009b';
  for (const format of ['table', 'tsv'] as const) {
    const out = formatRows([{ Body: body }], format);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('\\x1b[2J');
  }
  expect(escapeControls('a\tb')).toBe('a\tb');
});
