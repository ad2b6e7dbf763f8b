#!/usr/bin/env node
// Entry point installed as `tally`: the CLI bundled into dist/bundle/ (built by `npm install` via `prepare`).
import '../dist/bundle/tally.js';
