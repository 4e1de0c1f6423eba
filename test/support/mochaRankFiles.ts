// Required by the unit and system mocha configurations: the token rank files exist before any test
// counts tokens, also when a test file is run straight from the sources without `npm run build`.
import { ensureRankFiles } from './rankTables';

ensureRankFiles();
