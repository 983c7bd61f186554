// The Control UI entry: one stylesheet, one custom element (<oc-app> in index.html).
import './styles.css';
import './app.ts';
