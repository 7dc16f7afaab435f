// Build steps run after tsc by `npm run build`.
export { buildCliBundle, bundleLaunched, cliBundlePath } from './cli-bundle.js';
