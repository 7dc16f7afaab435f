// Build steps run after tsc by `npm run build`.
export { buildCliBundle, cliBundlePath } from './cli-bundle.js';
