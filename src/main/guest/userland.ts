import { eduModule } from './drivers/edu';
import type { GuestOptions } from './guest';
import { eduTool } from './tools/edu';
import { coreTools } from './tools/index';

/** The guest as shipped: its tools and the modules built for its kernel. */
export const defaultUserland: Omit<GuestOptions, 'interactive' | 'console'> = {
  tools: [...coreTools, eduTool],
  modules: [eduModule],
};
