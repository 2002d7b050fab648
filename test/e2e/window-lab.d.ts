// Pages served by the lab have `window.lab` (the renderer puts it there); page.evaluate code uses it.
import type { LabApi } from '../../src/common/api/lab-api';

declare global {
  interface Window {
    lab?: LabApi;
  }
}
