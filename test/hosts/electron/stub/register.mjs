// node --import ./register.mjs out/main/index.js: `electron` resolves to the stub next to this file.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
