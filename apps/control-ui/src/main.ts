// The Control UI entry: the stylesheets, one custom element (<oc-app> in index.html).
import './styles.css';
import './pages.css';
import './app.ts';
