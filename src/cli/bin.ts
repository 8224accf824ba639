/** Runs the CLI as a process: `bin/changebridge.js` loads the compiled copy of this file. */
import { main } from './main.js';

process.exitCode = await main(process.argv);
