// Build steps run by `npm run build` after esbuild has transpiled the sources into dist/ (`build:js`).
export { buildCliBundle, bundleLaunched, cliBundlePath } from './cli-bundle.js';
