// Build steps run after tsc by `npm run build`.
export { buildCliBundle, bundleCommonJs, cliBundlePath } from './cli-bundle.js';
