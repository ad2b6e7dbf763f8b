#!/usr/bin/env node
// Entry point installed as `tally`: the compiled CLI lives in dist/ (built by `npm install` via `prepare`).
import '../dist/cli/main.js';
