/** Jest globalTeardown: back to the original working directory, the temporary one removed (see global-temp-cwd.js). */
const fs = require('fs');

module.exports = async function globalTempCwdTeardown() {
  const dir = process.env.LOGFUN_TEST_TEMP_CWD;
  if (process.env.LOGFUN_TEST_REPO_CWD) process.chdir(process.env.LOGFUN_TEST_REPO_CWD);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
