// The console's entry point: a report page carries its data as embedded JSON (no network); otherwise the
// page talks to the server it was loaded from.

import { render } from 'preact';
import { REPORT_DATA_ID, type ReportData } from '../report-data.js';
import { App } from './App.js';
import './console.css';
import { EmbeddedSource } from './embedded.js';
import { HttpSource } from './source.js';

const embedded = document.getElementById(REPORT_DATA_ID);
const root = document.getElementById('app');
if (root) {
  if (embedded?.textContent) {
    const data = JSON.parse(embedded.textContent) as ReportData;
    document.title = `phased report: ${data.run.runId}`;
    render(<App source={new EmbeddedSource(data)} title={`phased report · ${data.run.runId}`} />, root);
  } else {
    render(<App source={new HttpSource()} title="phased" />, root);
  }
}
