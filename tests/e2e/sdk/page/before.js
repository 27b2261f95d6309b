// Runs before iwg.js: the page's own globals, so that the suite can check
// the classic bundle adds exactly one (IWG).
// SPDX-License-Identifier: GPL-2.0-or-later
window.globalsBefore = Object.getOwnPropertyNames(window);
