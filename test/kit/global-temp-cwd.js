/**
 * Jest globalSetup: the tests run with a fresh temporary folder as their working
 * directory, never the repository. A collector (in-process or a child started
 * without a cwd) keeps its admin token and admin URL in ./.logfun of its working
 * directory, and `logfun sql` opens ./.logfun/data there: run from the repository,
 * the tests would touch the .logfun of a `npm start` demo running in the same
 * folder (and leave files behind). Tests name their own files by absolute path
 * (__dirname, REPO_ROOT). Plain JavaScript: Jest loads it before any transform.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function globalTempCwd() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-jest-cwd-'));
  process.env.LOGFUN_TEST_REPO_CWD = process.cwd();
  process.env.LOGFUN_TEST_TEMP_CWD = dir;
  process.chdir(dir);
};
