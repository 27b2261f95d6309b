// Entry point of the iwg web console (bundled by build.mjs into app.js).
// SPDX-License-Identifier: GPL-2.0-or-later
import { render } from 'preact';
import { html } from 'htm/preact';
import { App } from './app.js';
import '../styles/app.css';

render(html`<${App} />`, document.getElementById('app'));
