// The bundled CLI's entry (dist/bin/phased.cjs, which dist/bin/phased.js launches with its code cache). The launcher
// has already run startEarly (a driving command's spare SQLite worker is booting); it runs again here for a bundle
// started some other way, and finds that worker started. Everything else is cli/main.ts.
import { startEarly } from './early.js';

startEarly();
// main.js and what it imports are evaluated only now (the bundle keeps a dynamically imported module lazy).
void import('./main.js').then((m) => m.main());
