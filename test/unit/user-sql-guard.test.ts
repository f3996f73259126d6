/** The checks on the engine's canonical print of a user's statement (collector/storage/user-sql-guard.ts). */
import { functionNamesOfAst, outputClauseOf } from '../../collector/storage/user-sql-guard';

describe('outputClauseOf (canonical text from formatQuerySingleLine)', () => {
  test.each([
    ["SELECT 1 INTO OUTFILE '/tmp/x'", 'INTO OUTFILE'],
    ["SELECT 1 INTO OUTFILE '/tmp/x' FORMAT TSV", 'INTO OUTFILE'],
    ['SELECT 1 FORMAT CSV', 'FORMAT'],
    ["SELECT 1 UNION ALL SELECT 2 INTO OUTFILE 'f'", 'INTO OUTFILE'],
  ])('%s -> %s', (sql, clause) => expect(outputClauseOf(sql)).toBe(clause));

  test.each([
    "SELECT 'a INTO OUTFILE b' AS s",
    "SELECT 'x\\' INTO OUTFILE \\'y' AS s",
    'SELECT `INTO OUTFILE` FROM t',
    "SELECT formatDateTime(now(), '%Y') AS f",
    "SELECT format('{} {}', 'a', 'b') AS f",
    'SELECT x FROM (SELECT 1 AS x) AS format_source',
    'INSERT INTO t FORMAT Values',
  ])('no output clause: %s', (sql) => expect(outputClauseOf(sql)).toBeUndefined());
});

test('functionNamesOfAst reads every Function node, nested ones too', () => {
  const ast = ['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  Function arrayMap (alias a) (children 1)', '     Function lambda (children 1)', '        Function file (children 1)', '   Function `count` (children 1)'];
  expect(functionNamesOfAst(ast)).toEqual(['arrayMap', 'lambda', 'file', 'count']);
});
