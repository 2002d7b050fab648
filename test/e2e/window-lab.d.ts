// Pages served by the lab have `window.lab` (the renderer declares and sets it); page.evaluate code uses it.
import type {} from '../../src/renderer/src/api/lab';
