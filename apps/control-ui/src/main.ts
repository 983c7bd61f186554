// The Control UI entry: the typeface, the stylesheets, one custom element (<oc-app> in index.html).
// Inter ships with the page (same origin, no font CDN): the look no longer depends on which
// sans-serif the operator's system happens to have (DejaVu Sans on many Linux desktops).
import '@fontsource-variable/inter/wght.css';
import './styles.css';
import './pages.css';
import './app.ts';
