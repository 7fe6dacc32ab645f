// The ALTCHA widget, entirely from our own origin: the CSP-friendly build (no inline styles,
// no inline workers) and the PBKDF2 worker the server's challenges use.
import '/assets/altcha/external/altcha.js';
import '/assets/altcha/i18n/fr-fr.js';

globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Worker('/assets/altcha/workers/pbkdf2.js'));
for (const widget of document.querySelectorAll('altcha-widget')) {
  if (widget.getAttribute('language') === 'fr') widget.setAttribute('language', 'fr-fr');
}
