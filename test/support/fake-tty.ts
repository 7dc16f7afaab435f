// A terminal for the progress bars in tests: a Writable with isTTY and a size, keeping what was written.
import { Writable } from 'node:stream';

export class FakeTty extends Writable {
  isTTY = true;
  columns = 160;
  rows = 40;
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Escape sequences out, so the assertions read the text a terminal shows. */
export const visible = (s: string) => s.replace(/\x1B(?:\[[0-9;?]*[A-Za-z]|[78])/g, '');
