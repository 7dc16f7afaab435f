// Files the bundle takes in as text (see src/console/build.ts): elkjs's worker script, started from a Blob.
declare module 'elkjs/lib/elk-worker.min.js' {
  const source: string;
  export default source;
}
