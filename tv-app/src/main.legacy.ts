// Entry of the legacy build (Chrome-38-class TVs): polyfills first, then the app.
import 'core-js/stable';
import './main.ts';
